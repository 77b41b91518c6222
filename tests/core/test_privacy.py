import numpy as np
import pandas as pd
import pytest

from course.core.privacy import mask_email, mask_id_number, mask_phone, mask_pii, pii_kind


def test_examples_from_the_handbook():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_email("zhang@example.com") == "z***@example.com"
    assert mask_id_number("310100199001011234") == "3101**********1234"


@pytest.mark.parametrize("header, kind", [
    ("phone", "phone"), ("Phone", "phone"), ("contact_phone", "phone"), ("mobile", "phone"),
    ("手机号", "phone"), ("联系电话", "phone"), ("email", "email"), ("电子邮箱", "email"),
    ("id_number", "id_number"), ("身份证号", "id_number"),
    ("hotel", None), ("customer_id", None), ("name", None), ("amount", None),
])
def test_columns_found_by_header(header, kind):
    assert pii_kind(header) == kind


def test_mask_pii_masks_only_pii_columns_and_keeps_the_input():
    df = pd.DataFrame({
        "customer_id": ["C00001", "C00002"],
        "手机": ["13912345678", "18600001111"],
        "邮箱": ["li@example.cn", None],
        "身份证": ["32010019800101123X", ""],
    })
    before = df.copy()
    out = mask_pii(df)
    pd.testing.assert_frame_equal(df, before)  # the caller's table is untouched
    assert out["customer_id"].tolist() == ["C00001", "C00002"]
    assert out["手机"].tolist() == ["139****5678", "186****1111"]
    assert out["邮箱"].iloc[0] == "l***@example.cn" and pd.isna(out["邮箱"].iloc[1])
    assert out["身份证"].tolist() == ["3201**********123X", ""]


def test_masking_twice_changes_nothing():
    df = pd.DataFrame({"phone": ["13812345678"], "email": ["abc@example.com"],
                       "id_number": ["310100199001011234"]})
    once = mask_pii(df)
    pd.testing.assert_frame_equal(mask_pii(once), once)
    assert not (once == df).any().any()


def test_numbers_read_as_floats_are_masked_as_digits():
    df = pd.DataFrame({"手机号码": [13812345678.0, np.nan]})
    out = mask_pii(df)
    assert out["手机号码"].iloc[0] == "138****5678"
    assert pd.isna(out["手机号码"].iloc[1])


def test_explicit_columns_override_header_detection():
    df = pd.DataFrame({"contact": ["13812345678"], "note": ["x"]})
    out = mask_pii(df, columns=["contact"])
    assert out["contact"].iloc[0] == "138****5678"
    assert out["note"].iloc[0] == "x"


def test_email_in_a_phone_column_is_masked_as_email():
    out = mask_pii(pd.DataFrame({"电话": ["wang@example.com"]}))
    assert out["电话"].iloc[0] == "w***@example.com"


def test_scrub_text_masks_numbers_and_emails_in_free_text():
    from course.core.privacy import scrub_text

    text = "KeyError: '13812345678' for zhang.san@example.com, id 310100199001011234, order 2024, 3.14159265"
    scrubbed = scrub_text(text)
    assert "13812345678" not in scrubbed and "138****5678" in scrubbed
    assert "zhang.san@" not in scrubbed and "310100199001011234" not in scrubbed
    assert "2024" in scrubbed and "3.14159265" in scrubbed
