"""DOCX that Word accepts: every part valid against the ECMA-376 schemas, with user templates
made by Word, WPS, LibreOffice and python-docx.

The schema checks validate, with lxml's XMLSchema over ``../shared/ooxml-schemas`` (see its
SOURCES.txt), every part of the DOCX files the tests write: the reference page, the IR
fixtures and corpus pages in both numbering modes, tables with merged cells, pictures, native
numbering through gaps and restarts, random documents, and the reference page through each
template in ``tests/data/templates`` (README.md there says which program made which). Markup
Compatibility is applied first, as Word applies it (``pipeline.ooxml.markup_compatibility``).
Where ``../shared`` is absent the schema checks skip with the reason; under CI they fail.

The template checks that need no schema (each template converts, numbering is inserted where
the schema allows, the settings are Word 2013's) run everywhere.
"""
from __future__ import annotations

import importlib.util
import io
import zipfile
from functools import lru_cache

import docx
import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st
from lxml import etree

from pipeline import ir, ooxml
from pipeline.config import DocxSettings, FontFaces, Settings
from pipeline.templates import shipped_template
from pipeline.writers import docx as docx_writer
from pipeline.writers.text import body_lines

from .conftest import DATA, REFERENCE, TESTS, ir_of
from .test_docx import (
    CORPUS, FIXTURES, GOLDEN_DIR, NUMBERING_ODDITIES, ODD_TABLES, RAGGED, assert_lines, expected_headings,
    in_ci, load, read_back, reports, table_report,
)
from .test_images import FIGURES, PICTURES, figure_report, png

SHARED = TESTS.parent.parent / "shared"
SCHEMAS = SHARED / "ooxml-schemas"
TEMPLATES = DATA / "templates"
W_NS = ooxml.W_NS
W = f"{{{W_NS}}}"
NS = {"w": W_NS}
WP_DOC_PR = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"

# Each template, the program that made it (README.md), and what that program wrote against the
# schema, which the writer puts right.
TEMPLATE_MAKERS = {
    "libreoffice-outline.docx": "LibreOffice",
    "libreoffice-plain.docx": "LibreOffice",
    "python-docx.docx": "python-docx",
    "word-imitation.docx": "Word (imitated by hand)",
    "wps-imitation.docx": "WPS Office (imitated by hand)",
    "minimal.docx": "by hand",
}
TEMPLATE_FAULTS = {
    "libreoffice-outline.docx": "word/numbering.xml:2: Element 'w:numFmt': This element is not expected.",
    "libreoffice-plain.docx": "word/numbering.xml:2: Element 'w:numFmt': This element is not expected.",
    "python-docx.docx": "word/settings.xml:2: Element 'w:zoom': The attribute 'w:percent' is required but missing.",
    "word-imitation.docx": "word/settings.xml:2: Element 'w:zoom': The attribute 'w:percent' is required but missing.",
    "wps-imitation.docx": "word/styles.xml:2: Element 'w:uiPriority': This element is not expected.",
}
TEMPLATE_FILES = sorted(p.name for p in TEMPLATES.glob("*.docx"))
MODES = ("literal", "native")


@pytest.fixture(scope="session")
def schema_dir():
    """``../shared/ooxml-schemas``; a skip with the reason where ``../shared`` is absent, a
    failure under CI (and wherever ``../shared`` is there without the schemas)."""
    if not SHARED.is_dir():
        reason = f"{SHARED} is absent: the ECMA-376 schemas (../shared/ooxml-schemas) are needed"
        if in_ci():
            pytest.fail(f"CI must provide {reason}")
        pytest.skip(reason)
    assert (SCHEMAS / "transitional" / "wml.xsd").is_file(), f"{SCHEMAS}: no transitional/wml.xsd"
    return SCHEMAS


@pytest.fixture(scope="session")
def validator(schema_dir) -> ooxml.PackageValidator:
    """The schema set, compiled once per session."""
    return ooxml.PackageValidator(schema_dir)


def assert_valid(validator, data: bytes, what: str) -> None:
    problems = validator.validate(data)
    assert not problems, f"{what}: {len(problems)} schema errors\n" + "\n".join(p[:400] for p in problems[:20])


def render(tree, **opts) -> bytes:
    extra = {k: opts.pop(k) for k in ("fonts", "source_date_epoch") if k in opts}
    return docx_writer.render(tree, Settings(docx=DocxSettings(**opts), **extra))


def parts_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


@lru_cache(maxsize=1)
def reference_page():
    return ir_of(REFERENCE)


def odd_front():
    """A long front-matter field (justified), the title alone, the fields alone, a signature."""
    tree = load("sample")
    etree.SubElement(tree.find("front"), "field", name="topic", label="主题分类").text = "法治政府建设" * 6
    tree.find("front").append(tree.find("front/provenance"))
    etree.SubElement(tree.find("body"), "p", align="right").text = "深圳市罗湖区人民政府"
    return ir.validate(tree)


def fields_alone():
    tree = table_report(title="")
    etree.SubElement(tree.find("front"), "field", name="publisher", label="发布机构").text = "某局"
    return tree


def attachment_report():
    """A notice with an attachment note, a signature and an attachment: its 附件 line, a title
    over two lines (styled paragraphs with a page break before the first) and a heading under
    it (one outline level down); the note's hanging indents, the signature's right indents and
    the keepNext on the paragraph before the signature."""
    root = table_report(title="国务院办公厅关于湖北省巴东县地质灾害险情有关问题的复函")
    body = root.find("body")
    etree.SubElement(body, "p").text = "你省关于请求解决巴东县官渡口镇马鬃山村地质灾害险情问题的请示收悉。"
    etree.SubElement(body, "p", role="attachment-note", indent="0", hang="4").text = "附件：1.调研情况的报告"
    etree.SubElement(body, "p", role="attachment-note", indent="3", hang="4").text = "2.专家组意见"
    etree.SubElement(body, "p", align="right", role="signature", inset="8").text = "国务院办公厅"
    etree.SubElement(body, "p", align="right", role="signature-date", inset="2").text = "二〇〇四年十一月四日"
    etree.SubElement(body, "p", align="left", role="attachment", **{"break": "page"}).text = "附件1"
    for line in ("关于湖北省巴东县官渡口镇马鬃山村", "地质险情调研情况的报告"):
        etree.SubElement(body, "p", role="attachment-title").text = line
    section = etree.SubElement(body, "section", kind="cn", label="一、", level="1", number="1")
    etree.SubElement(section, "heading").text = "基本情况"
    etree.SubElement(section, "p").text = "马鬃山村位于官渡口镇。"
    return ir.validate(root)


# Every kind of document the DOCX tests write, by name: (IR builder, writer options).
DOCUMENTS = {
    **{f"{name}-{mode}": (lambda name=name: load(name), {"numbering": mode})
       for name in FIXTURES for mode in MODES},
    **{f"{name}-keep": (lambda name=name: load(name), {"runin": "keep"}) for name in FIXTURES},
    "reference-page-literal": (reference_page, {}),
    "reference-page-native": (reference_page, {"numbering": "native"}),
    "reference-page-native-keep": (reference_page, {"numbering": "native", "runin": "keep"}),
    "tables-ragged": (lambda: table_report(*RAGGED), {}),
    "tables-wide-huge-span-ragged": (lambda: table_report(*ODD_TABLES), {}),
    "tables-header-rows": (lambda: table_report(
        '<table><row><cell header="true">甲</cell><cell header="true" rowspan="2">乙</cell></row>'
        '<row><cell header="true">丙</cell></row><row><cell colspan="2">丁</cell></row></table>'), {}),
    "pictures": (lambda: figure_report(FIGURES, *PICTURES), {}),
    "pictures-wide": (lambda: figure_report('<figure src="w.png" alt="宽图" picture="w"/>',
                                            ("w", png(4000, 100))), {}),
    "native-numbering-gaps-and-restarts": (
        lambda: ir.validate(ir.parse(NUMBERING_ODDITIES.encode())), {"numbering": "native"}),
    "front-matter-odd": (odd_front, {}),
    "title-alone": (lambda: table_report(title="只有标题"), {}),
    "attachment": (attachment_report, {}),
    "fields-alone": (fields_alone, {}),
    "configured-fonts": (lambda: load("sample"), {"fonts": FontFaces(body="宋体", heading1="方正黑体_GBK")}),
    "core-properties": (lambda: load("sample"), {"subject": "法治政府建设", "keywords": "罗湖; 年度报告",
                                                 "source_date_epoch": 1700000000}),
}


@lru_cache(maxsize=None)
def written(name: str) -> bytes:
    build, opts = DOCUMENTS[name]
    return render(build(), **dict(opts))


# ----------------------------------------------------------------------------- schema validity


@pytest.mark.corpus
@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_written_docx_is_schema_valid(validator, name):
    assert_valid(validator, written(name), name)


@pytest.mark.corpus
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_pages_are_schema_valid(validator, name, mode):
    assert_valid(validator, render(load(name), numbering=mode), f"{name} {mode}")


@pytest.mark.corpus
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("template", TEMPLATE_FILES)
def test_each_template_gives_schema_valid_docx(validator, template, mode):
    data = render(reference_page(), reference_docx=TEMPLATES / template, numbering=mode)
    assert_valid(validator, data, f"reference page through {template} ({TEMPLATE_MAKERS[template]}), {mode}")
    data = render(figure_report(FIGURES, *PICTURES), reference_docx=TEMPLATES / template, numbering=mode)
    assert_valid(validator, data, f"pictures through {template}, {mode}")
    data = render(table_report(*ODD_TABLES), reference_docx=TEMPLATES / template, numbering=mode)
    assert_valid(validator, data, f"tables through {template}, {mode}")


def as_template(data: bytes, macros: bool) -> bytes:
    """A .docx made a Word template (.dotx), or a macro-enabled one (.dotm) with a macro project."""
    parts = parts_of(data)
    main = ("application/vnd.ms-word.template.macroEnabledTemplate.main+xml" if macros
            else "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml")
    types = parts["[Content_Types].xml"].decode().replace(ooxml.MAIN_DOCUMENT, main)
    if macros:
        types = types.replace("</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'
                              '<Override PartName="/word/vbaData.xml" ContentType="application/vnd.ms-word.vbaData+xml"/>'
                              "</Types>")
        rels = parts["word/_rels/document.xml.rels"].decode()
        parts["word/_rels/document.xml.rels"] = rels.replace("</Relationships>", (
            f'<Relationship Id="rId99" Type="{ooxml.RT_VBA}" Target="vbaProject.bin"/></Relationships>')).encode()
        parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0 not a real macro project"
        parts["word/_rels/vbaProject.bin.rels"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships '
            'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" '
            'Type="http://schemas.microsoft.com/office/2006/relationships/wordVbaData" Target="vbaData.xml"/>'
            "</Relationships>").encode()
        parts["word/vbaData.xml"] = b'<wne:vbaSuppData xmlns:wne="http://schemas.microsoft.com/office/word/2006/wordml"/>'
    parts["[Content_Types].xml"] = types.encode()
    return docx_writer.deterministic_zip(parts)


@pytest.mark.corpus
@pytest.mark.parametrize("macros", [False, True], ids=["dotx", "dotm"])
def test_a_word_template_file_gives_schema_valid_docx(validator, tmp_path, macros):
    path = tmp_path / ("word.dotm" if macros else "word.dotx")
    path.write_bytes(as_template((TEMPLATES / "word-imitation.docx").read_bytes(), macros))
    data = render(reference_page(), reference_docx=path, numbering="native")
    assert_valid(validator, data, path.name)
    assert not [n for n in parts_of(data) if "vba" in n.lower()]


@pytest.mark.corpus
@pytest.mark.parametrize("template", sorted(TEMPLATE_FAULTS))
def test_template_faults_are_put_right(validator, template):
    """What each program wrote against the schema is found in the template, and not in the output."""
    raw = (TEMPLATES / template).read_bytes()
    fault = TEMPLATE_FAULTS[template]
    assert any(p.startswith(fault) for p in validator.validate(raw)), validator.validate(raw)
    assert_valid(validator, render(reference_page(), reference_docx=TEMPLATES / template), template)


@pytest.mark.corpus
def test_shipped_template_and_goldens_are_schema_valid(validator):
    assert_valid(validator, shipped_template(), "pipeline/templates/reference.docx")
    goldens = sorted(GOLDEN_DIR.glob("*.docx"))
    assert goldens
    for path in goldens:
        assert_valid(validator, path.read_bytes(), path.name)


@pytest.mark.corpus
@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports(), st.sampled_from(MODES), st.sampled_from(["split", "keep"]),
       st.sampled_from([None, "word-imitation.docx", "wps-imitation.docx", "libreoffice-outline.docx"]))
def test_any_ir_gives_schema_valid_docx(validator, tree, numbering, runin, template):
    reference = TEMPLATES / template if template else None
    data = render(tree, numbering=numbering, runin=runin, reference_docx=reference)
    assert_valid(validator, data, "random document")


# ----------------------------------------------------------------------------- the check catches errors


def mutated(data: bytes, part: str, change) -> bytes:
    parts = parts_of(data)
    root = etree.fromstring(parts[part])
    change(root)
    parts[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return docx_writer.deterministic_zip(parts)


def swap_ppr_children(root):
    ppr = next(p for p in root.iter(W + "pPr") if len(p) >= 2)
    first, second = ppr[0], ppr[1]
    ppr.remove(second)
    first.addprevious(second)


@pytest.mark.corpus
def test_two_swapped_ppr_children_are_caught(validator):
    data = written("reference-page-native")
    assert validator.validate(data) == []
    problems = validator.validate(mutated(data, "word/document.xml", swap_ppr_children))
    assert problems and all(p.startswith("word/document.xml:") for p in problems)
    assert "This element is not expected" in problems[0]


def num_after_cleanup(root):
    """The fault of issue 17: the writer's w:num after the template's w:numIdMacAtCleanup."""
    cleanup = root.find("w:numIdMacAtCleanup", NS)
    root.remove(cleanup)
    root.find("w:num", NS).addprevious(cleanup)


@pytest.mark.corpus
@pytest.mark.parametrize("part, change, message", [
    ("word/numbering.xml", num_after_cleanup, "Element 'w:num': This element is not expected."),
    ("word/settings.xml", lambda r: r.find("w:zoom", NS).attrib.clear(), "'w:percent' is required but missing"),
    ("word/styles.xml", lambda r: r.find("w:style", NS).set(W + "type", "chapter"), "w:type"),
    ("[Content_Types].xml", lambda r: r.remove(r[-1]), "content type application/xml, its relationship needs"),
    ("[Content_Types].xml", lambda r: r.remove(r.find("{*}Default[@Extension='png']")),
     "word/media/image1.png: no content type"),
    ("word/_rels/document.xml.rels", lambda r: r[0].set("Target", "nowhere.xml"), "missing part nowhere.xml"),
    ("docProps/core.xml", lambda r: r.append(etree.Element("{http://purl.org/dc/elements/1.1/}colour")),
     "colour"),
])
def test_other_faults_are_caught(validator, part, change, message):
    data = render(reference_page(), reference_docx=TEMPLATES / "word-imitation.docx", numbering="native")
    assert validator.validate(data) == []
    problems = validator.validate(mutated(data, part, change))
    assert any(message in p for p in problems), problems


MC_DOC = (
    f'<w:document xmlns:w="{W_NS}" xmlns:mc="{ooxml.MC_NS}" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:x="urn:example:unknown" mc:Ignorable="w14"><w:body>'
    '<w:p w14:paraId="12345678"><w:r><mc:AlternateContent><mc:Choice Requires="wps">{choice}</mc:Choice>'
    "<mc:Fallback>{fallback}</mc:Fallback></mc:AlternateContent><w:t>x</w:t></w:r></w:p>{extra}"
    "</w:body></w:document>"
)


@pytest.mark.corpus
@pytest.mark.parametrize("choice, fallback, extra, valid", [
    ("<wps:anything/>", "<w:tab/>", "", True),  # wps is not understood: the Fallback is read
    ("<wps:anything/>", "<w:p/>", "", False),  # and a fault in the Fallback is caught
    ("", "<w:tab/>", "<w14:ignoredElement/>", True),  # ignorable elements and attributes are dropped
    ("", "<w:tab/>", '<w:p x:unknown="1"/>', False),  # an attribute of an unknown namespace is not
    ("", "<w:tab/>", "<x:unknown/>", False),  # nor an element
])
def test_markup_compatibility_as_word_applies_it(validator, choice, fallback, extra, valid):
    doc = MC_DOC.format(choice=choice, fallback=fallback, extra=extra).encode()
    problems = validator.validate_xml("word/document.xml", doc, W + "document")
    assert (problems == []) == valid, problems


@pytest.mark.corpus
def test_child_order_is_the_schema_order(schema_dir):
    """``ooxml.CHILD_ORDER`` is each type's element sequence in wml.xsd."""
    xsd = "{http://www.w3.org/2001/XMLSchema}"
    root = etree.parse(str(schema_dir / "transitional" / "wml.xsd")).getroot()
    types = {e.get("name"): e for e in root.iter(xsd + "complexType") if e.get("name")}
    groups = {e.get("name"): e for e in root.iter(xsd + "group") if e.get("name")}

    def elements(el):
        out = []
        for child in el.iterchildren(xsd + "*"):
            kind = etree.QName(child).localname
            if kind == "element":
                out.append(child.get("name") or child.get("ref"))
            elif kind in ("sequence", "choice", "complexContent"):
                out += elements(child)
            elif kind == "group":
                out += elements(groups[child.get("ref").split(":")[-1]])
            elif kind == "extension":
                out += elements(types[child.get("base").split(":")[-1]]) + elements(child)
        return out

    assert set(ooxml.CHILD_ORDER) == set(ooxml.CHILD_TYPES)
    for parent, type_name in ooxml.CHILD_TYPES.items():
        assert ooxml.CHILD_ORDER[parent] == tuple(elements(types[type_name])), parent


# ----------------------------------------------------------------------------- the templates (no schema needed)


def test_templates_come_from_three_programs_at_least():
    """Made by LibreOffice and python-docx, and written the way Word and WPS write theirs; the
    README says which is which."""
    assert set(TEMPLATE_FILES) == set(TEMPLATE_MAKERS)
    programs = {maker.removesuffix(" (imitated by hand)") for maker in TEMPLATE_MAKERS.values()} - {"by hand"}
    assert len(programs) >= 3, programs
    readme = (TEMPLATES / "README.md").read_text("utf-8")
    for name in TEMPLATE_FILES:
        assert f"`{name}`" in readme, name


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("template", TEMPLATE_FILES)
def test_each_template_converts_cleanly(template, mode):
    tree = reference_page()
    data = render(tree, reference_docx=TEMPLATES / template, numbering=mode)
    lines, headings = read_back(data)
    assert headings == expected_headings(tree)
    assert lines == body_lines(tree)
    settings = etree.fromstring(parts_of(data)["word/settings.xml"])
    mode_setting = settings.findall("w:compat/w:compatSetting[@w:name='compatibilityMode']", NS)
    assert [m.get(W + "val") for m in mode_setting] == ["15"]  # Word 2013+, not compatibility mode
    assert settings.find("w:themeFontLang", NS).get(W + "eastAsia") == "zh-CN"
    zoom = settings.find("w:zoom", NS)
    assert zoom is None or zoom.get(W + "percent") is not None


@pytest.mark.parametrize("template", TEMPLATE_FILES)
def test_template_settings_for_east_asian_layout_are_kept(template):
    before = parts_of((TEMPLATES / template).read_bytes()).get("word/settings.xml")
    after = etree.fromstring(parts_of(render(reference_page(), reference_docx=TEMPLATES / template))["word/settings.xml"])
    if before is None:
        return
    before = etree.fromstring(before)
    for tag in ("characterSpacingControl", "noLineBreaksAfter", "noLineBreaksBefore", "strictFirstAndLastChars",
                "evenAndOddHeaders", "defaultTabStop", "drawingGridVerticalSpacing", "docVars", "rsids"):
        old, new = before.find(f"w:{tag}", NS), after.find(f"w:{tag}", NS)
        assert (old is None) == (new is None), tag
        if old is not None:
            assert etree.tostring(old) == etree.tostring(new), tag
    compat = before.find("w:compat", NS)
    for flag in compat if compat is not None else ():
        if flag.tag != W + "compatSetting":  # the legacy options are kept; the mode becomes 15
            assert after.find(f"w:compat/w:{etree.QName(flag).localname}", NS) is not None


def test_native_numbering_goes_before_a_word_num_id_mac_at_cleanup():
    data = render(reference_page(), reference_docx=TEMPLATES / "word-imitation.docx", numbering="native")
    numbering = etree.fromstring(parts_of(data)["word/numbering.xml"])
    tags = [etree.QName(c).localname for c in numbering]
    assert tags == ["abstractNum"] * 3 + ["num"] * 3 + ["numIdMacAtCleanup"]
    ours = numbering.findall("w:num", NS)[-1]
    styles = etree.fromstring(parts_of(data)["word/styles.xml"])
    bound = styles.find("w:style[@w:styleId='1']/w:pPr/w:numPr/w:numId", NS)  # Word's heading 1
    assert bound.get(W + "val") == ours.get(W + "numId") == "3"


def test_native_numbering_makes_a_numbering_part_when_the_template_has_none():
    tree = reference_page()
    data = render(tree, reference_docx=TEMPLATES / "minimal.docx", numbering="native")
    parts = parts_of(data)
    assert "word/numbering.xml" in parts
    assert b"numbering+xml" in parts["[Content_Types].xml"]
    lines, headings = read_back(data)
    assert headings == expected_headings(tree) and lines == body_lines(tree)


def test_drawings_get_ids_the_template_headers_do_not_use():
    data = render(figure_report(FIGURES, *PICTURES), reference_docx=TEMPLATES / "word-imitation.docx")
    ids = []
    for name, blob in parts_of(data).items():
        if name.startswith("word/") and name.endswith(".xml"):
            ids += [el.get("id") for el in etree.fromstring(blob).iter(WP_DOC_PR)]
    assert len(ids) == 2 + 3 and len(set(ids)) == len(ids)  # the header's two, the report's three


def test_template_styles_in_their_own_ids_are_used():
    """Word's localized ids (``1`` for heading 1) and WPS's numbers (``2``) are found by name."""
    for template, heading1 in (("word-imitation.docx", "1"), ("wps-imitation.docx", "2")):
        document = docx.Document(io.BytesIO(render(reference_page(), reference_docx=TEMPLATES / template)))
        used = {p.style.style_id for p in document.paragraphs if p.style.name.lower() == "heading 1"}
        assert used == {heading1}, template


def test_hand_built_templates_are_current():
    spec = importlib.util.spec_from_file_location("make_templates", TEMPLATES / "make_templates.py")
    make_templates = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_templates)
    for name in ("word-imitation.docx", "wps-imitation.docx", "minimal.docx"):
        assert make_templates.BUILT[name]() == (TEMPLATES / name).read_bytes(), (
            f"{name}: run python tests/data/templates/make_templates.py")


def test_runin_keep_through_templates_reads_back():
    tree = load("sample")
    for template in ("word-imitation.docx", "wps-imitation.docx"):
        data = render(tree, reference_docx=TEMPLATES / template, runin="keep", numbering="native")
        lines, headings = read_back(data)
        assert headings == expected_headings(tree, "keep")
        assert_lines(tree, lines, "keep")
