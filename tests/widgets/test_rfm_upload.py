"""The upload widget: a summary with Chinese headers, and each rejected row listed with its reason."""
from course.core.i18n import t
from course.widgets.rfm_upload import rfm_upload, upload_view

CSV = "客户编号,订单日期,金额\nA1,2024-03-05,100\nA2,不是日期,80\n,2024-03-06,50\nA1,2024-04-01,120\n"


def test_each_rejected_row_is_listed_with_its_reason():
    view = upload_view("orders.csv", CSV.encode("utf-8"), as_of="2025-01-01")
    assert view.ok
    assert t("byo.reason_bad_date") in view.problems_html
    assert t("byo.reason_no_customer") in view.problems_html
    assert "行号" in view.problems_html and "原因" in view.problems_html
    assert "不是日期" in view.problems_html  # the value as found, so the trainee can find the row


def test_summary_has_chinese_headers_and_percentages():
    view = upload_view("orders.csv", CSV.encode("utf-8"), as_of="2025-01-01")
    for header in ("客户分层", "客户数", "人数占比", "建议动作"):
        assert header in view.table_html
    assert "customer_share" not in view.table_html and "%" in view.table_html


def test_a_clean_file_lists_no_problems_and_the_widget_builds():
    view = upload_view("orders.csv", "客户编号,订单日期,金额\nA1,2024-03-05,100\n".encode())
    assert view.ok and view.problems_html == ""
    assert rfm_upload().children
