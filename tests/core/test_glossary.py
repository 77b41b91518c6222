"""The one glossary: well-formed, and no lesson, master or catalog string uses a variant wording."""
import json
import re

from conftest import REPO

from course.core.glossary import FORMATS, label, terms, variants


def test_every_term_has_a_chinese_name_a_definition_and_a_known_format():
    assert len(terms()) > 100
    for code, term in terms().items():
        assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", code), code
        assert re.search(r"[\u4e00-\u9fff]", term.zh), code
        assert term.definition.strip(), code
        assert term.fmt in (None, *FORMATS), (code, term.fmt)


def test_variants_never_name_a_term():
    names = {term.zh for term in terms().values()}
    assert variants(), "the unified names of issue 15 are listed as variants"
    for variant, term in variants().items():
        assert variant not in names, variant
        assert term in names


def test_the_unified_names_of_issue_15():
    expected = {"首次接触即解决率": "首次解决率", "首次接触解决率": "首次解决率", "一次解决率": "首次解决率",
                "回头率": "回购率", "社会价值": "社交价值", "现在的价值": "当前价值", "终身价值": "客户生命周期价值"}
    assert expected.items() <= variants().items()
    assert label("customer_id") == "客户编号" and label("not_a_term") == "not_a_term"


def _texts():
    """(where, text) for every lesson and master cell, notebook metadata, and catalog/data YAML."""
    notebooks = sorted([*REPO.glob("notebooks/*.ipynb"), *REPO.glob("solutions/[0-9][0-9]-*.ipynb")])
    assert notebooks
    for path in notebooks:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        yield f"{path.parent.name}/{path.name} metadata", json.dumps(notebook.get("metadata", {}), ensure_ascii=False)
        for number, cell in enumerate(notebook["cells"]):
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            yield f"{path.parent.name}/{path.name} cell {number}", source
    catalog = sorted(p for p in (REPO / "course").rglob("*.yaml") if p.name != "glossary.yaml")
    assert catalog
    for path in catalog:
        yield str(path.relative_to(REPO)), path.read_text(encoding="utf-8")


def test_no_lesson_master_or_catalog_uses_a_variant():
    found = [f"{where}: 「{variant}」→「{term}」"
             for where, text in _texts() for variant, term in variants().items() if variant in text]
    assert not found, "glossary variants in use (write the term instead):\n" + "\n".join(found)
