"""Archival (PDF/A-2b) and tagged PDF output.

Every file is read back with pikepdf (qpdf), never with the writer's own code, and each
PDF/A-2b requirement is checked on its own (``check_archival``): the file syntax, off the
bytes (``check_file_syntax``: the header, the cross-reference table, the objects and
streams; pikepdf's validator leaves these to qpdf writing the file, and here reportlab
writes it), the version 1.7, no page transitions, the XMP packet and its agreement with the
document info, the sRGB output intent and its embedded profile, fonts embedded with a
ToUnicode map covering every code shown, no encryption, no transparency, no external
references, the file identifier, device colour that agrees with the output intent. On top of
that pikepdf's own PDF/A validator (``pikepdf.pdfa``, an allowlist built from veraPDF's rule
catalogue) must approve each file. The checks run on the reference page, the hand-made
sample (every IR element, a picture) and every corpus page.

Tagged output (``pdf.tagged: true``) is read back the same way: the structure tree's
elements and the text of their marked content (decoded through the fonts' ToUnicode maps).
"""
from __future__ import annotations

import base64
import io
import json
import re
from importlib import resources
from pathlib import Path

import pikepdf
import pytest
from lxml import etree
from pikepdf import Name

from pipeline import ir, pdfclaims
from pipeline.config import PdfSettings, Settings
from pipeline.errors import InputError
from pipeline.writers import pdf, pdfa, views

from .conftest import DATA, QUICK_SWEEP, corpus_samples, ir_of, sample_params
from .test_pdf import body_parts, long_table_tree, printable, render_in_another_process, run, tool

SAMPLE_IR = DATA / "ir" / "sample.xml"
XMP_DC = "http://purl.org/dc/elements/1.1/"
TAGGED_TYPES = {"Document", "Title", "P", "H1", "H2", "H3", "H4", "L", "LI", "Lbl", "LBody",
                "Table", "TR", "TH", "TD", "Figure", "Caption", "Link"}


# --- rendering ----------------------------------------------------------------------------

@pytest.fixture(scope="session")
def font_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("font-cache")


def settings_for(font_cache: Path, **pdf_settings) -> Settings:
    return Settings(pdf=PdfSettings(font_cache_dir=font_cache, **pdf_settings))


_rendered: dict[tuple[str, str], bytes] = {}


def rendered(name: str, tree, settings: Settings) -> bytes:
    key = (name, repr(settings.pdf))
    if key not in _rendered:
        _rendered[key] = pdf.render(tree, settings)
    return _rendered[key]


def load(path: Path):
    return ir.validate(ir.parse(path.read_bytes()))


DOCUMENTS = ["reference", "sample"] + [p.name for p in corpus_samples()]


def tree_of(name: str, reference_tree):
    if name == "reference":
        return reference_tree
    if name == "sample":
        return load(SAMPLE_IR)
    return ir_of(next(p for p in corpus_samples() if p.name == name))


# --- reading back: the PDF/A-2b requirements, one check each ------------------------------

def all_objects(doc: pikepdf.Pdf):
    """Every indirect object, and every dictionary nested in one (streams' dictionaries too)."""
    seen = []

    def nested(obj):
        if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
            seen.append(obj)
            values = [obj.get(key) for key in obj.keys()]
        elif isinstance(obj, pikepdf.Array):
            values = list(obj)
        else:
            return
        for value in values:
            if isinstance(value, (pikepdf.Dictionary, pikepdf.Array)) and not value.is_indirect:
                nested(value)

    for obj in doc.objects:
        nested(obj)
    return seen


def check_header(data: bytes) -> None:
    """ISO 19005-2 6.1.2: %PDF-1.n (n ≤ 7), then a comment of at least four bytes ≥ 128."""
    head, comment = data.split(b"\n")[:2]
    assert re.fullmatch(rb"%PDF-1\.[0-7]\r?", head), head
    assert comment.startswith(b"%") and sum(b >= 128 for b in comment[1:5]) == 4, comment


def info_of(doc: pikepdf.Pdf) -> dict[str, str]:
    return {str(k): str(v) for k, v in doc.docinfo.items()}


def expected_create_date(tree) -> str | None:
    date = ir.meta_value(tree, "date")
    return f"{date}T00:00:00+08:00" if date and re.fullmatch(r"\d{4}-\d\d-\d\d", date) else None


def check_xmp(doc: pikepdf.Pdf, tree) -> None:
    """6.6.2: an unfiltered XMP metadata stream in the catalog; 6.6.3: the document info agrees
    with it; 6.6.4: the PDF/A identification. The values are the report's: dc:title the title,
    dc:creator the publisher, xmp:CreateDate the report's date."""
    assert "/Metadata" in doc.Root, "no XMP metadata stream"
    stream = doc.Root.Metadata
    assert (stream.get("/Type"), stream.get("/Subtype")) == (Name.Metadata, Name.XML)
    assert "/Filter" not in stream, "the XMP stream must not be filtered"
    raw = stream.read_bytes()
    assert raw.startswith(b'<?xpacket begin="\xef\xbb\xbf" id="W5M0MpCehiHzreSzNTczkc9d"?>')
    assert raw.rstrip().endswith(b'<?xpacket end="w"?>')
    meta = doc.open_metadata()
    info = info_of(doc)
    title = (ir.meta_value(tree, "title") or "").strip()
    assert meta.get("dc:title") == info.get("/Title") == (title or None)
    publisher = (ir.meta_value(tree, "publisher") or "").strip()
    assert meta.get("dc:creator") == ([publisher] if publisher else None)
    assert info.get("/Author") == (publisher or None)
    created = expected_create_date(tree)
    if created:
        assert meta.get("xmp:CreateDate") == created
    assert meta.get("xmp:CreateDate") == (
        pikepdf.models.metadata.decode_pdf_date(info["/CreationDate"]).isoformat())
    assert meta.get("xmp:ModifyDate") == pikepdf.models.metadata.decode_pdf_date(info["/ModDate"]).isoformat()
    assert meta.get("pdf:Producer") == info["/Producer"] and info["/Producer"].startswith("pipeline ")
    assert meta.get("xmp:CreatorTool") == info.get("/Creator")
    assert meta.get("dc:description") == info.get("/Subject")
    assert meta.get("pdf:Keywords") == info.get("/Keywords")
    assert set(info) <= {"/Title", "/Author", "/Subject", "/Keywords", "/Creator", "/Producer",
                         "/CreationDate", "/ModDate"}, sorted(info)
    assert (meta.get("pdfaid:part"), meta.get("pdfaid:conformance")) == ("2", "B")


def shipped_srgb() -> bytes:
    return resources.files("pikepdf").joinpath("pdfa/data/sRGB.icc").read_bytes()


def check_output_intent(doc: pikepdf.Pdf) -> None:
    """6.2.3: one PDF/A output intent whose embedded profile is sRGB (pikepdf's sRGB.icc)."""
    intents = doc.Root.get("/OutputIntents")
    assert intents is not None and len(intents) == 1, "no single output intent"
    intent = intents[0]
    assert intent.get("/S") == Name.GTS_PDFA1
    assert str(intent.get("/OutputConditionIdentifier", ""))
    profile = intent.DestOutputProfile
    assert int(profile.N) == 3
    data = profile.read_bytes()
    assert data[36:40] == b"acsp" and data[16:20] == b"RGB " and data[12:16] == b"mntr"
    assert data == shipped_srgb()


def to_unicode(font) -> dict[int, str]:
    """A font's ToUnicode CMap: code → text (bfchar and bfrange entries)."""
    out = {}
    text = font.ToUnicode.read_bytes().decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            out[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                out[code] = chr(int(dst, 16) + i)
    return out


def codes_in(font, shown: pikepdf.String) -> list[int]:
    """The codes of a string shown in ``font``: two bytes each in a composite (Type0) font
    with Identity-H encoding, one byte each in a simple font."""
    data = bytes(shown)
    if font.get("/Subtype") == Name.Type0:
        assert font.Encoding == Name("/Identity-H") and len(data) % 2 == 0
        return [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]
    return list(data)


def shown_codes(doc: pikepdf.Pdf):
    """(page index, font resource name, font, code) of every character shown on every page."""
    for n, page in enumerate(doc.pages):
        fonts = page.Resources.get("/Font", {})
        current = None
        for operands, op in pikepdf.parse_content_stream(page):
            op = str(op)
            if op == "Tf":
                current = str(operands[0])
            elif op in ("Tj", "'", '"', "TJ"):
                strings = [s for s in operands[0] if isinstance(s, pikepdf.String)] if op == "TJ" else [operands[-1]]
                for s in strings:
                    for code in codes_in(fonts[current], s):
                        yield n, current, fonts[current], code


def check_fonts(doc: pikepdf.Pdf) -> None:
    """6.2.11.4: every font embedded; and every font has a ToUnicode map that gives text for
    every code the pages show in it (PDF/A-2b asks for embedding only; we ask for both)."""
    fonts = {font.objgen: font for page in doc.pages for font in page.Resources.get("/Font", {}).values()}
    assert fonts, "no fonts"
    for font in fonts.values():
        assert font.get("/Subtype") in (Name.TrueType, Name.Type0), font.get("/Subtype")
        described = font.DescendantFonts[0] if font.get("/Subtype") == Name.Type0 else font
        descriptor = described.FontDescriptor
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), f"{font.BaseFont} not embedded"
        assert "/ToUnicode" in font, f"{font.BaseFont} has no ToUnicode map"
    maps = {objgen: to_unicode(font) for objgen, font in fonts.items()}
    unmapped = {(n, name, code) for n, name, font, code in shown_codes(doc) if not maps[font.objgen].get(code)}
    assert not unmapped, sorted(unmapped)[:5]


def check_not_encrypted(doc: pikepdf.Pdf) -> None:
    """6.1.3: no encryption."""
    assert not doc.is_encrypted and "/Encrypt" not in doc.trailer


def check_no_transparency(doc: pikepdf.Pdf) -> None:
    """No soft masks, transparency groups, constant alpha below 1 or blend modes other than
    Normal anywhere (pictures with alpha are set onto white)."""
    for obj in all_objects(doc):
        assert obj.get("/SMask", Name.None_) == Name.None_, "a soft mask"
        assert "/SMaskInData" not in obj
        group = obj.get("/Group")
        assert group is None or group.get("/S") != Name.Transparency, "a transparency group"
        if obj.get("/Type") == Name.ExtGState:
            assert float(obj.get("/CA", 1)) == 1 and float(obj.get("/ca", 1)) == 1
            assert obj.get("/BM", Name.Normal) in (Name.Normal, Name.Compatible)


EXTERNAL_KEYS = ("/Launch", "/GoToR", "/GoToE", "/ImportData", "/SubmitForm", "/JavaScript",
                 "/JS", "/AA", "/EmbeddedFiles", "/AF", "/OPI", "/Alternates", "/PS", "/Ref", "/XFA")
#: The actions ISO 19005-2 (6.5.1) forbids, and those that reach into other files. A URI action
#: (a link to a web page) is allowed.
FORBIDDEN_ACTIONS = tuple(Name(f"/{name}") for name in (
    "Launch", "Sound", "Movie", "ResetForm", "ImportData", "Hide", "SetOCGState", "Rendition", "Trans",
    "GoTo3DView", "JavaScript", "SetState", "NoOp", "GoToR", "GoToE", "SubmitForm"))


def check_no_external_references(doc: pikepdf.Pdf) -> None:
    """6.5, 6.8: nothing outside the file but the web pages links open: no launch, remote
    go-to, JavaScript or other forbidden actions, no file specifications or embedded files, no
    stream data in external files, no reference XObjects or OPI."""
    for obj in all_objects(doc):
        found = [key for key in EXTERNAL_KEYS if key in obj]
        assert not found, f"external reference {found}"
        assert obj.get("/Type") != Name.Filespec, "a file specification"
        assert obj.get("/S") not in FORBIDDEN_ACTIONS, f"a {obj.get('/S')} action"
        if isinstance(obj, pikepdf.Stream):
            assert "/F" not in obj and "/FFilter" not in obj, "stream data outside the file"


def check_file_identifier(doc: pikepdf.Pdf) -> None:
    """6.1.3: the trailer's /ID, two strings of 16 bytes."""
    ids = doc.trailer.get("/ID")
    assert ids is not None and len(ids) == 2 and all(len(bytes(i)) == 16 for i in ids), ids


def check_device_colour(doc: pikepdf.Pdf) -> None:
    """6.2.4.3: device colour only where the output intent allows it: with an RGB intent,
    DeviceRGB and DeviceGray, never DeviceCMYK (not in images, not as a content operator)."""
    for obj in all_objects(doc):
        space = obj.get("/ColorSpace")
        assert space is None or space in (Name.DeviceRGB, Name.DeviceGray), space
    for page in doc.pages:
        ops = {str(op) for _operands, op in pikepdf.parse_content_stream(page)}
        assert not ops & {"k", "K"}, "CMYK colour operators"


#: Annotation flags (ISO 32000-1, 12.5.3): PDF/A (6.3.2) asks Print set, the others clear.
PRINT, HIDDEN_OR_UNSEEN = 4, 1 | 2 | 32 | 256  # Invisible, Hidden, NoView, ToggleNoView


def check_annotations(doc: pikepdf.Pdf) -> None:
    """6.3.1, 6.3.2: annotations are links only, each printed and visible; a link opens a web
    page (a URI action) and needs no appearance stream (6.3.3 exempts links)."""
    for page in doc.pages:
        for annotation in page.obj.get("/Annots", []):
            assert annotation.Subtype == Name.Link, f"a {annotation.Subtype} annotation"
            flags = int(annotation.get("/F", 0))
            assert flags & PRINT and not flags & HIDDEN_OR_UNSEEN, f"annotation flags {flags}"
            assert annotation.A.S == Name.URI


def check_validator(data: bytes) -> None:
    """pikepdf's PDF/A-2b validator approves the file (it denies what it cannot check)."""
    from pikepdf import pdfa

    report = pdfa.validate_written(io.BytesIO(data), "2b")
    assert report.verdict == "pass", [str(finding) for finding in report.findings][:10]


EOL = rb"(?:\r\n|\n|\r)"


def check_file_syntax(data: bytes) -> None:
    """The file-syntax rules of ISO 19005-2 that pikepdf's validator leaves to qpdf writing the
    file (the writer does not run qpdf), read off the bytes: 6.1.3 nothing after the last
    ``%%EOF`` but an EOL; 6.1.4 ``startxref`` pointing at an ``xref`` keyword followed by one
    EOL and a single subsection header, entries of 20 bytes; 6.1.9 each object where the
    table says, as ``n g obj`` + EOL … EOL ``endobj`` EOL, preceded by an EOL; 6.1.7.1 each
    stream's keyword followed by LF or CR LF, its ``Length`` (direct) the bytes of its data,
    then an EOL and ``endstream``. pikepdf reads the file without a warning (qpdf repairs a
    broken table silently, with a warning)."""
    check_header(data)
    eof = data.rindex(b"%%EOF")
    assert data[eof + 5:] in (b"", b"\n", b"\r", b"\r\n"), "data after %%EOF"
    start = int(re.search(rb"startxref" + EOL + rb"(\d+)" + EOL + rb"%%EOF", data[eof - 40:]).group(1))
    table = re.compile(rb"xref" + EOL + rb"(\d+) (\d+)" + EOL).match(data, start)
    assert table, "no cross-reference table where startxref points"
    first, count = int(table[1]), int(table[2])
    offsets = {}
    for i in range(count):
        entry = data[table.end() + 20 * i:table.end() + 20 * (i + 1)]
        found = re.fullmatch(rb"(\d{10}) (\d{5}) ([nf])(?: \r| \n|\r\n)", entry)
        assert found, f"cross-reference entry {first + i}: {entry!r}"
        if found[3] == b"n":
            offsets[first + i] = int(found[1])
    assert data[table.end() + 20 * count:].startswith(b"trailer"), "more than one subsection"
    ends = sorted(offsets.values()) + [start]
    for number, offset in offsets.items():
        body = data[offset:ends[ends.index(offset) + 1]]
        assert data[offset - 1:offset] in (b"\n", b"\r"), f"object {number}: no EOL before it"
        head = re.compile(rb"(\d+) (\d+) obj" + EOL).match(body)
        assert head and int(head[1]) == number, f"object {number} is not where the table says"
        assert re.search(EOL + rb"endobj" + EOL + rb"$", body), f"object {number}: endobj not on a line of its own"
        stream = re.search(rb">>\s*stream(\r\n|\n)", body)
        if stream:
            length = re.findall(rb"/Length (\d+)(?! \d+ R)", body[:stream.start()])
            assert len(length) == 1, f"object {number}: no direct /Length"
            after = body[stream.end() + int(length[0]):]
            assert re.match(EOL + rb"endstream" + EOL + rb"endobj", after), \
                f"object {number}: the data is not /Length long, or endstream has no EOL before it"
    with pikepdf.open(io.BytesIO(data)) as doc:
        assert doc.get_warnings() == []


def check_no_transition(doc: pikepdf.Pdf) -> None:
    """No page has a ``Trans`` (reportlab writes an empty one: no transition)."""
    assert not [n for n, page in enumerate(doc.pages) if "/Trans" in page.obj]


def check_archival(data: bytes, tree) -> None:
    check_file_syntax(data)
    with pikepdf.open(io.BytesIO(data)) as doc:
        assert doc.pdf_version == "1.7"
        check_no_transition(doc)
        check_xmp(doc, tree)
        check_output_intent(doc)
        check_fonts(doc)
        check_not_encrypted(doc)
        check_no_transparency(doc)
        check_no_external_references(doc)
        check_annotations(doc)
        check_file_identifier(doc)
        check_device_colour(doc)
    check_validator(data)


# --- PDF/A-2b by default ------------------------------------------------------------------

def test_default_settings_are_archival_and_untagged():
    assert (PdfSettings().archival, PdfSettings().tagged) == (True, False)


@pytest.mark.parametrize("name", sample_params(DOCUMENTS, QUICK_SWEEP))
def test_pdfa_2b(name, reference_tree, font_cache):
    tree = tree_of(name, reference_tree)
    check_archival(rendered(name, tree, settings_for(font_cache)), tree)


def test_the_checks_catch_a_plain_pdf(reference_tree, font_cache):
    """``archival: false`` writes a plain PDF: no XMP, no output intent, and the checks say so."""
    data = rendered("reference", reference_tree, settings_for(font_cache, archival=False))
    assert pdfclaims.claims(data)["pdfa"] is None
    with pikepdf.open(io.BytesIO(data)) as doc:
        for check in (lambda d: check_xmp(d, reference_tree), check_output_intent):
            with pytest.raises(AssertionError):
                check(doc)
    with pytest.raises(AssertionError):
        check_validator(data)
    with pytest.raises(AssertionError, match="endstream has no EOL"):
        check_file_syntax(data)  # reportlab writes endstream right after the data
    with pikepdf.open(io.BytesIO(data)) as doc:
        with pytest.raises(AssertionError):
            check_no_transition(doc)


def damaged(data: bytes, how: str) -> bytes:
    """``data`` with its syntax broken in one way."""
    if how == "moved":  # a byte more in the first object: the table's offsets are wrong
        at = data.index(b" obj\n") + 5
        return data[:at] + b" " + data[at:]
    if how == "endstream":  # the EOL before an endstream taken out (its stream's Length still right)
        at = data.index(b"\nendstream")
        return data[:at] + data[at + 1:]
    if how == "length":
        return re.sub(rb"/Length (\d+)", lambda m: b"/Length %d" % (int(m[1]) - 1), data, count=1)
    if how == "after_eof":
        return data + b"%% more\n"
    if how == "xref":
        return data.replace(b"xref\n", b"xref \n", 1)
    raise ValueError(how)


@pytest.mark.parametrize("how", ["moved", "endstream", "length", "after_eof", "xref"])
def test_the_syntax_checks_catch_what_pdfa_forbids(how, reference_tree, font_cache):
    data = rendered("reference", reference_tree, settings_for(font_cache))
    check_file_syntax(data)
    with pytest.raises(AssertionError):
        check_file_syntax(damaged(data, how))


def test_the_checks_catch_a_font_without_tounicode(reference_tree, font_cache):
    data = rendered("reference", reference_tree, settings_for(font_cache))
    with pikepdf.open(io.BytesIO(data)) as doc:
        font = next(iter(doc.pages[0].Resources.Font.values()))
        del font.ToUnicode
        with pytest.raises(AssertionError, match="ToUnicode"):
            check_fonts(doc)


def broken(data: bytes, how: str) -> pikepdf.Pdf:
    """``data`` opened with pikepdf and broken in one way (in memory; encrypted: saved so and
    opened again)."""
    doc = pikepdf.open(io.BytesIO(data))
    if how == "external":
        first = doc.Root.Outlines.First
        del first.Dest
        first.A = pikepdf.Dictionary(S=Name.Launch, F=pikepdf.String("report.exe"))
    elif how == "hidden link":
        doc.pages[0].obj.Annots = doc.make_indirect(pikepdf.Array([doc.make_indirect(pikepdf.Dictionary(
            Type=Name.Annot, Subtype=Name.Link, Rect=[0, 0, 10, 10], F=2,
            A=pikepdf.Dictionary(S=Name.URI, URI=pikepdf.String("https://www.example.gov.cn/"))))]))
    elif how == "identifier":
        del doc.trailer.ID
    elif how == "transparency":
        doc.pages[0].obj.Group = pikepdf.Dictionary(S=Name.Transparency, CS=Name.DeviceRGB)
    elif how == "cmyk":
        doc.pages[0].contents_add(doc.make_stream(b"0 0 0 1 k"))
    elif how == "encryption":
        out = io.BytesIO()
        doc.save(out, encryption=pikepdf.Encryption(owner="o", user=""))
        return pikepdf.open(io.BytesIO(out.getvalue()))
    return doc


@pytest.mark.parametrize("how, check", [
    ("external", check_no_external_references), ("hidden link", check_annotations), ("identifier", check_file_identifier),
    ("transparency", check_no_transparency), ("cmyk", check_device_colour), ("encryption", check_not_encrypted),
])
def test_the_checks_catch_what_pdfa_forbids(how, check, reference_tree, font_cache):
    data = rendered("reference", reference_tree, settings_for(font_cache))
    with pikepdf.open(io.BytesIO(data)) as doc:
        check(doc)  # the file as written passes
    with broken(data, how) as doc:
        with pytest.raises(AssertionError):
            check(doc)


def test_the_xmp_agrees_when_the_report_has_no_date_or_publisher(font_cache):
    tree = load(SAMPLE_IR)
    for name in ("date", "publisher"):
        tree.find("front").remove(tree.find(f"front/field[@name='{name}']"))
    data = pdf.render(tree, settings_for(font_cache))
    check_archival(data, tree)
    with pikepdf.open(io.BytesIO(data)) as doc:
        assert doc.open_metadata().get("dc:creator") is None


# --- pictures -----------------------------------------------------------------------------

def picture_report(image, fmt: str, mime: str, **save):
    """The sample report with its one picture replaced by ``image`` (a Pillow image)."""
    tree = load(SAMPLE_IR)
    buf = io.BytesIO()
    image.save(buf, fmt, **save)
    element = tree.find("pictures/picture")
    element.text = base64.b64encode(buf.getvalue()).decode()
    element.set("type", mime)
    element.set("width", str(image.width))
    element.set("height", str(image.height))
    return ir.validate(tree)


def images_of(data: bytes) -> list[dict]:
    """Each image of the file (not counting soft masks): colour space, soft mask, top-left pixel."""
    with pikepdf.open(io.BytesIO(data)) as doc:
        streams = [obj for obj in doc.objects if isinstance(obj, pikepdf.Stream)]
        masks = {obj.SMask.objgen for obj in streams if isinstance(obj.get("/SMask"), pikepdf.Stream)}
        return [{"space": obj.get("/ColorSpace"), "smask": "/SMask" in obj,
                 "pixel": pikepdf.PdfImage(obj).as_pil_image().convert("RGB").getpixel((0, 0))}
                for obj in streams if obj.get("/Subtype") == Name.Image and obj.objgen not in masks]


def test_a_picture_with_alpha_is_set_onto_white(font_cache):
    from PIL import Image

    tree = picture_report(Image.new("RGBA", (8, 6), (255, 0, 0, 128)), "PNG", "image/png")
    plain = images_of(pdf.render(tree, settings_for(font_cache, archival=False)))
    assert [image["smask"] for image in plain] == [True]  # what PDF/A is spared
    data = pdf.render(tree, settings_for(font_cache))
    [image] = images_of(data)
    assert not image["smask"] and image["space"] == Name.DeviceRGB
    assert all(abs(a - b) <= 2 for a, b in zip(image["pixel"], (255, 127, 127))), image["pixel"]
    check_archival(data, tree)


def test_a_palette_picture_with_a_transparent_entry_is_set_onto_white(font_cache):
    from PIL import Image

    image = Image.new("P", (8, 6), 0)
    image.putpalette([0, 0, 255, 10, 20, 30])
    tree = picture_report(image, "PNG", "image/png", transparency=0)
    data = pdf.render(tree, settings_for(font_cache))
    assert [i["pixel"] for i in images_of(data)] == [(255, 255, 255)]
    check_archival(data, tree)


def test_a_cmyk_picture_becomes_rgb(font_cache):
    from PIL import Image

    tree = picture_report(Image.new("CMYK", (8, 6), (0, 255, 255, 0)), "JPEG", "image/jpeg", quality=95)
    plain = images_of(pdf.render(tree, settings_for(font_cache, archival=False)))
    assert [image["space"] for image in plain] == [Name.DeviceCMYK]
    data = pdf.render(tree, settings_for(font_cache))
    [image] = images_of(data)
    assert image["space"] == Name.DeviceRGB
    red, green, blue = image["pixel"]
    assert red > 200 and green < 60 and blue < 60, image["pixel"]
    check_archival(data, tree)


# --- tagged output ------------------------------------------------------------------------

def marked_content(doc: pikepdf.Pdf) -> tuple[dict[tuple[int, int], str], list[tuple[int, str]], list[str]]:
    """The text shown in each marked-content sequence with an MCID ((page index, MCID) → text,
    empty for a picture),
    the text shown in artifacts ((page index, text)), and any text shown outside both."""
    found: dict[tuple[int, int], str] = {}
    artifacts, untagged = [], []
    maps: dict[tuple[int, int], dict[int, str]] = {}  # font object → its ToUnicode map
    for n, page in enumerate(doc.pages):
        fonts = page.Resources.get("/Font", {})
        stack: list[tuple[str, int | None]] = []
        current = None
        for operands, op in pikepdf.parse_content_stream(page):
            op = str(op)
            if op == "BDC":
                tag, props = operands
                mcid = props.get("/MCID") if isinstance(props, pikepdf.Dictionary) else None
                stack.append((str(tag), None if mcid is None else int(mcid)))
                if mcid is not None:
                    found.setdefault((n, int(mcid)), "")  # a picture's content has no text
            elif op == "BMC":
                stack.append((str(operands[0]), None))
            elif op == "EMC":
                stack.pop()
            elif op == "Tf":
                font = fonts[str(operands[0])]
                if font.objgen not in maps:
                    maps[font.objgen] = to_unicode(font)
                current = maps[font.objgen]
            elif op in ("Tj", "'", '"', "TJ"):
                strings = [s for s in operands[0] if isinstance(s, pikepdf.String)] if op == "TJ" else [operands[-1]]
                text = "".join(current[code] for s in strings for code in codes_in(font, s))
                mcids = [m for _t, m in stack if m is not None]
                if mcids:
                    found[(n, mcids[-1])] = found.get((n, mcids[-1]), "") + text
                elif any(t == "/Artifact" for t, _m in stack):
                    artifacts.append((n, text))
                else:
                    untagged.append(text)
        assert not stack, f"page {n + 1}: marked content not closed"
    return found, artifacts, untagged


def kids_of(elem) -> list:
    kids = elem.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def structure(doc: pikepdf.Pdf) -> list[tuple[int, str, str, pikepdf.Dictionary]]:
    """(depth, type, text of its own marked content, element) for every structure element, in
    tree order, its kids read in order: an element whose content has a child element inside
    (a Link in a paragraph) is listed with its text before the child, then again with the
    text after it."""
    pages = {page.obj.objgen: n for n, page in enumerate(doc.pages)}
    text_of, _artifacts, _untagged = marked_content(doc)
    out = []

    def visit(elem, depth):
        text, listed = "", False
        for kid in kids_of(elem):
            if isinstance(kid, int):
                text += text_of[(pages[elem.Pg.objgen], int(kid))]
            elif kid.get("/Type") == Name.MCR:
                text += text_of[(pages[kid.Pg.objgen], int(kid.MCID))]
            elif kid.get("/Type") == Name.OBJR:  # an annotation (a link's), no element
                continue
            else:
                assert kid.P.objgen == elem.objgen, "a child whose /P is not its parent"
                if text or not listed:
                    out.append((depth, str(elem.S)[1:], text, elem))
                text, listed = "", True
                visit(kid, depth + 1)
        if text or not listed:
            out.append((depth, str(elem.S)[1:], text, elem))

    visit(doc.Root.StructTreeRoot.K, 0)
    return out


def tagged(name: str, tree, font_cache) -> bytes:
    return rendered(name, tree, settings_for(font_cache, tagged=True))


def ir_headings(tree) -> list[tuple[str, str]]:
    return [(f"H{min(int(s.get('level')), 4)}", printable(ir.heading_line(s)))
            for s in tree.iter("section") if printable(ir.heading_line(s))]


@pytest.mark.parametrize("name", sample_params(DOCUMENTS, QUICK_SWEEP))
def test_tagged_headings_reading_order_and_figures(name, reference_tree, font_cache):
    """The structure tree's headings are the IR's (label and text, level as H1–H4) in order;
    its text read in tree order is the document's (front matter, then the body in IR order);
    every figure has alt text; every shown character is structure content or an artifact."""
    tree = tree_of(name, reference_tree)
    data = tagged(name, tree, font_cache)
    with pikepdf.open(io.BytesIO(data)) as doc:
        elements = structure(doc)
        assert elements[0][1] == "Document"
        assert {kind for _d, kind, _t, _e in elements} <= TAGGED_TYPES
        headings = [(kind, printable(text)) for _d, kind, text, _e in elements if re.fullmatch(r"H\d", kind)]
        assert headings == ir_headings(tree)
        read = printable("".join(text for _d, _k, text, _e in elements))
        front = printable("".join(line.text for line in views.front_lines(tree)))
        body = "".join(s if kind == "text" else s[0] for kind, s in body_parts(tree))
        assert read == front + body
        figures = [e for _d, kind, _t, e in elements if kind == "Figure"]
        assert len(figures) == sum(1 for _ in tree.iter("figure"))
        assert all(str(figure.get("/Alt", "")).strip() for figure in figures)
        _found, artifacts, untagged = marked_content(doc)
        assert untagged == []
        numbers = ["".join(t for n, t in artifacts if n == page).strip() for page in range(len(doc.pages))]
        assert all(re.search(rf"— {page + 1} —$", text) for page, text in enumerate(numbers)), numbers
    check_archival(data, tree)


def test_tagged_catalog_and_parent_tree(reference_tree, font_cache):
    data = tagged("reference", reference_tree, font_cache)
    assert pdfclaims.claims(data)["tagged"] is True
    with pikepdf.open(io.BytesIO(data)) as doc:
        assert doc.Root.MarkInfo.Marked is True
        assert str(doc.Root.Lang) == "zh-CN"
        root = doc.Root.StructTreeRoot
        nums = list(root.ParentTree.Nums)
        parents = dict(zip((int(k) for k in nums[::2]), nums[1::2]))
        found, _artifacts, _untagged = marked_content(doc)
        for n, page in enumerate(doc.pages):
            mcids = sorted(m for p, m in found if p == n)
            assert mcids == list(range(len(mcids)))
            array = parents[int(page.StructParents)]
            assert len(array) == len(mcids)
            for mcid, elem in enumerate(array):  # each MCID's element lists it among its kids
                refs = [k if isinstance(k, int) else int(k.MCID) for k in kids_of(elem)
                        if isinstance(k, int) or k.get("/Type") == Name.MCR]
                assert mcid in refs
        assert int(root.ParentTreeNextKey) == len(doc.pages)


def test_tagged_sample_lists_tables_and_figure(font_cache):
    tree = load(SAMPLE_IR)
    with pikepdf.open(io.BytesIO(tagged("sample", tree, font_cache))) as doc:
        elements = structure(doc)
    kinds = [kind for _d, kind, _t, _e in elements]
    texts = {kind: [t for _d, k, t, _e in elements if k == kind] for kind in kinds}
    assert texts["Title"] == ["深圳市罗湖区人民政府2023年法治政府建设年度报告"]
    assert texts["Lbl"] == ["一是", "二是", "• ", "• ", "一是", "二是"]  # enumerations and a list
    # a list entry that opens with a link: its body's own text around the link's
    assert texts["LBody"][2:5] == ["", "加速前进", "基层精细化治理走深走实"]
    assert texts["Link"] == ["附件", "深港融合"]
    [entry_link] = [e for e in elements if e[1] == "Link" and e[2] == "深港融合"]
    assert str(entry_link[3].P.S) == "/LBody"
    assert kinds.count("L") == 3 and kinds.count("LI") == 6
    shape = []
    for _d, kind, text, elem in elements:
        if kind == "TR":
            shape.append([])
        elif kind in ("TH", "TD"):
            attrs = elem.get("/A", {})
            shape[-1].append((kind, text, int(attrs.get("/RowSpan", 1)), int(attrs.get("/ColSpan", 1))))
    assert shape == [
        [("TH", "信息内容", 2, 1), ("TH", "本年", 1, 2)],
        [("TH", "制发件数", 1, 1), ("TH", "废止件数", 1, 1)],
        [("TD", "规章", 1, 1), ("TD", "0", 1, 1), ("TD", "0", 1, 1)],
        [("TD", "行政规范性文件", 1, 1), ("TD", "9", 1, 1), ("TD", "50", 1, 1)],
    ]
    [(depth, _k, _t, figure)] = [e for e in elements if e[1] == "Figure"]
    assert str(figure.Alt) == "图表"
    assert [k for d, k, _t, _e in elements if d == depth + 1 and _e.P.objgen == figure.objgen] == ["Caption"]


def test_a_tagged_link_is_a_link_element_in_its_paragraph_holding_its_annotation(font_cache):
    """The sample's 详见<link>附件</link>。: the paragraph reads 详见, then its Link element
    (the link's text, then an object reference to the annotation over it), then 。; the
    annotation's StructParent leads back to the Link through the parent tree."""
    tree = load(SAMPLE_IR)
    with pikepdf.open(io.BytesIO(tagged("sample", tree, font_cache))) as doc:
        elements = structure(doc)
        [(depth, _k, text, link)] = [e for e in elements if e[1] == "Link" and e[2] == "附件"]
        at = next(i for i, e in enumerate(elements) if e[3].objgen == link.objgen)
        before, after = elements[at - 1], elements[at + 1]
        assert text == "附件" and before[3].objgen == after[3].objgen == link.P.objgen
        assert before[2].endswith("详见") and after[2] == "。" and before[1] == "P"
        [objr] = [k for k in kids_of(link) if isinstance(k, pikepdf.Dictionary) and k.get("/Type") == Name.OBJR]
        annotation = objr.Obj
        page = next(page for page in doc.pages if page.obj.objgen == objr.Pg.objgen)
        assert annotation.objgen in [a.objgen for a in page.obj.Annots]
        assert str(annotation.A.URI) == "https://www.szlh.gov.cn/a.html" and str(annotation.Contents) == "附件"
        root = doc.Root.StructTreeRoot
        nums = list(root.ParentTree.Nums)
        parents = dict(zip((int(k) for k in nums[::2]), nums[1::2]))
        assert parents[int(annotation.StructParent)].objgen == link.objgen
        keys = sorted(parents)
        assert keys == list(range(len(doc.pages) + 2)) and int(root.ParentTreeNextKey) == len(keys)  # two links


def test_a_repeated_table_header_is_an_artifact(font_cache):
    tree = long_table_tree()
    with pikepdf.open(io.BytesIO(tagged("long_table", tree, font_cache))) as doc:
        assert len(doc.pages) >= 3
        elements = structure(doc)
        headers = [t for _d, kind, t, _e in elements if kind == "TH"]
        assert headers == ["类别", "数量", "本年", "上年"]
        _found, artifacts, _untagged = marked_content(doc)
        for page in range(1, len(doc.pages)):
            assert [t for n, t in artifacts if n == page][:4] == ["类别", "数量", "本年", "上年"]


@pytest.mark.render
@pytest.mark.parametrize("name", ["sample", "nfra_merged_cells.html", "17_changchun_tyj_2023_xxgk_ndbg_table.txt"])
def test_tagged_table_rows_keep_their_cells_together(name, reference_tree, font_cache, tmp_path):
    """Each table row's cells are drawn one after another, whole, in the order of the
    structure tree's TR: ``pdftotext -raw`` (content order) reads every row with its cells
    together. (pdftotext's default layout mode ignores tags and may interleave the lines of
    cells side by side.)"""
    tree = tree_of(name, reference_tree)
    path = tmp_path / "table.pdf"
    path.write_bytes(tagged(name, tree, font_cache))
    text = printable(run(tool("pdftotext"), "-raw", "-enc", "UTF-8", str(path), "-"))
    rows = [row for table in tree.iter("table") for row in views.grid(table).cells if row]
    assert rows
    for row in rows:
        assert printable("".join(cell.text for cell in row)) in text, [cell.text for cell in row]
    with pikepdf.open(path) as doc:
        read = [printable(t) for _d, k, t, _e in structure(doc) if k in ("TH", "TD")]
    assert read == [printable(cell.text) for row in rows for cell in row]


def test_untagged_output_has_no_structure(reference_tree, font_cache):
    data = rendered("reference", reference_tree, settings_for(font_cache))
    with pikepdf.open(io.BytesIO(data)) as doc:
        assert "/StructTreeRoot" not in doc.Root and "/MarkInfo" not in doc.Root
        assert b"BDC" not in b"".join(page.Contents.read_bytes() for page in doc.pages)


def test_tagged_output_is_the_same_bytes_twice(reference_tree, font_cache):
    settings = settings_for(font_cache, tagged=True)
    assert pdf.render(reference_tree, settings) == pdf.render(reference_tree, settings)


@pytest.mark.slow
def test_tagged_output_is_the_same_bytes_in_another_process(font_cache):
    out = render_in_another_process(SAMPLE_IR, font_cache, tagged=True)
    assert out == tagged("sample", load(SAMPLE_IR), font_cache)


# --- written by reportlab alone -----------------------------------------------------------

def trailer_id(data: bytes) -> re.Match:
    """The trailer's ``/ID`` entry of ``data`` (its two strings as groups 1 and 2)."""
    at = data.rindex(b"trailer")
    return re.compile(rb"/ID\s*\[\s*<([0-9a-f]{32})>\s*<([0-9a-f]{32})>\s*\]").search(data, at)


def test_the_file_identifier_is_a_digest_of_the_content(reference_tree, font_cache, monkeypatch):
    """Both strings of the ``/ID`` are the first 16 bytes of the SHA-256 of the file without its
    ``/ID`` entry: another character in the body gives another identifier; what reportlab
    puts in its own (the time stamp, which SOURCE_DATE_EPOCH sets) changes nothing when the
    content stays the same (the report's date is the file's)."""
    import hashlib

    settings = settings_for(font_cache)
    data = rendered("reference", reference_tree, settings)
    found = trailer_id(data)
    digest = hashlib.sha256(data[:found.start()] + data[found.end():]).hexdigest()[:32].encode()
    assert found[1] == found[2] == digest
    assert pdfa.identified(data) == data
    changed = etree.fromstring(etree.tostring(reference_tree))
    paragraph = changed.find(".//body//p")
    paragraph.text = (paragraph.text or "") + "。"
    other = pdf.render(ir.validate(changed), settings)
    assert trailer_id(other)[1] != found[1]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1600000000")
    assert pdf.render(reference_tree, settings) == data
    tagged_data = tagged("reference", reference_tree, font_cache)
    tagged_found = trailer_id(tagged_data)
    assert tagged_found[1] == tagged_found[2] == hashlib.sha256(
        tagged_data[:tagged_found.start()] + tagged_data[tagged_found.end():]).hexdigest()[:32].encode()


def test_identifying_needs_reportlabs_trailer_identifier():
    with pytest.raises(ValueError, match="no file identifier"):
        pdfa.identified(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\ntrailer\n<< /Size 1 >>\nstartxref\n0\n%%EOF\n")


@pytest.mark.slow
@pytest.mark.parametrize("tagged_too", [False, True])
def test_a_conversion_to_pdf_imports_no_pikepdf(tagged_too, tmp_path):
    """reportlab writes the finished file: ``pipeline convert`` to an archival PDF (the
    default), tagged or not, imports no pikepdf module (``-X importtime`` names each module
    imported); the sRGB profile is read from pikepdf's folder without running it."""
    import subprocess
    import sys

    config = tmp_path / "settings.yaml"
    config.write_text(f"pdf:\n  tagged: {'true' if tagged_too else 'false'}\n", encoding="utf-8")
    out = tmp_path / "sample.pdf"
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "pipeline", "convert", str(SAMPLE_IR),
                           "-o", str(out), "--config", str(config), "-q"],
                          capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    imported = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    assert "reportlab.pdfgen.canvas" in imported
    assert sorted(name for name in imported if name.split(".")[0] == "pikepdf") == []
    assert pdfclaims.claims(out.read_bytes())["pdfa"] == "PDF/A-2b"
    assert pdfclaims.claims(out.read_bytes())["tagged"] is tagged_too


def test_the_srgb_profile_is_read_from_pikepdfs_folder(monkeypatch):
    from pipeline import colour
    from pipeline.errors import RenderError

    assert colour.package_folder("pikepdf") == Path(pikepdf.__file__).parent
    assert colour.srgb_profile() == shipped_srgb()
    with pytest.raises(ModuleNotFoundError):
        colour.package_folder("no_such_package_here")
    with pytest.raises(ModuleNotFoundError):
        colour.package_folder("json.decoder")  # a module, not a package's folder
    monkeypatch.setattr(colour, "SRGB_PROFILE", ("pikepdf", "pdfa/data/missing.icc"))
    colour.srgb_profile.cache_clear()
    try:
        with pytest.raises(RenderError, match="pikepdf: pdfa/data/missing.icc.*cannot be read"):
            colour.srgb_profile()
    finally:
        colour.srgb_profile.cache_clear()


@pytest.mark.parametrize("value", ["D:20231221000000+08'00'", "D:20000101000000+00'00'",
                                   "D:20231114221320+00'00'", "D:19991231235959-05'30'"])
def test_xmp_dates_are_pikepdfs_reading_of_the_info_dates(value):
    from pikepdf.models.metadata import decode_pdf_date

    assert pdfa.xmp_date(value) == decode_pdf_date(value).isoformat()


def test_an_info_date_of_another_form_is_refused():
    for value in ("D:2023", "20231221000000+08'00'", "D:20231221000000Z"):
        with pytest.raises(ValueError):
            pdfa.xmp_date(value)


def test_the_date_of_a_report_without_one_is_reportlabs_invariant_date(monkeypatch):
    """Without the report's date or an epoch the file's date is the one reportlab gives a file
    in its invariant mode (so a plain file's bytes are reportlab's)."""
    from reportlab.lib.utils import TimeStamp

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    stamp = TimeStamp(invariant=True)
    assert stamp.t == pdf.INVARIANT_EPOCH
    assert pdf.pdf_date(None, None) == "D:%04d%02d%02d%02d%02d%02d%+03d'%02d'" % (*stamp.YMDhms, stamp.dhh, stamp.dmm)
    assert pdf.pdf_date("2023-12-21", 5) == "D:20231221000000+08'00'"
    assert pdf.pdf_date(None, 1700000000) == "D:20231114221320+00'00'"


# --- reportlab internals the finished file relies on -----------------------------------------
# The writer adds catalog and page entries, rewrites the document info, puts an EOL before
# each stream's endstream and replaces the trailer's identifier through these; each test
# fails when reportlab moves the internal it pins (pyproject.toml pins reportlab's range).

def test_reportlab_writes_the_catalog_and_page_entries_the_instance_lists():
    """reportlab writes the catalog entries (and a page's) its ``__NoDefault__`` lists, read
    from the instance: the writer lists OutputIntents there (StructParents and Tabs on pages),
    and finds Metadata, StructTreeRoot and MarkInfo listed already (made indirect)."""
    from reportlab.pdfbase.pdfdoc import PDFCatalog, PDFDictionary, PDFDocument, PDFName, PDFPage

    document = PDFDocument(invariant=1)
    catalog = PDFCatalog()
    catalog.OutputIntents = PDFName("Unlisted")
    assert b"OutputIntents" not in catalog.format(document)
    catalog.__NoDefault__ = [*catalog.__NoDefault__, "OutputIntents"]
    assert b"/OutputIntents /Unlisted" in catalog.format(document)
    assert {"Metadata", "StructTreeRoot", "MarkInfo"} <= set(PDFCatalog.__NoDefault__) & set(PDFCatalog.__Refs__)
    page = PDFPage()
    page.setStream(["BT ET"])
    page.Resources = PDFDictionary({})
    page.StructParents = 4
    assert b"StructParents" not in page.format(document)
    page.__NoDefault__ = [*page.__NoDefault__, "StructParents"]
    assert b"/StructParents 4" in page.format(document)


def test_reportlab_gives_each_page_an_empty_transition_the_writer_takes_out():
    """``Canvas.showPage`` adds the page it closes to the document's pages (``_doc.Pages``,
    last) with an empty ``Trans``; an archival file has none."""
    from reportlab.pdfbase.pdfdoc import PDFDictionary
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(io.BytesIO())
    canvas.showPage()
    canvas.showPage()
    pages = canvas._doc.Pages
    assert len(pages.pages) == 2 and pages[-1] is pages.pages[1]
    assert isinstance(pages[-1].Trans, PDFDictionary) and pages[-1].Trans.dict == {}
    finishing = pdfa.canvas_class()(io.BytesIO(), date="D:20231221000000+08'00'",
                                    intent=pdfa.OutputIntent(shipped_srgb(), "sRGB"))
    finishing.showPage()
    assert finishing._doc.Pages[-1].Trans is None


def test_the_archival_info_is_reportlabs_but_empty_entries_and_trapped():
    """The archival document info writes the entries reportlab's ``PDFInfo.format`` writes,
    with the same values, but Trapped and the empty ones; the values are the attributes the
    canvas's setters set."""
    from reportlab.pdfbase.pdfdoc import PDFDocument, PDFInfo

    date = "D:20231221000000+08'00'"
    finishing = pdfa.canvas_class()(io.BytesIO(), date=date, intent=pdfa.OutputIntent(shipped_srgb(), "sRGB"))
    ours, theirs = finishing._doc.info, PDFInfo()
    theirs._dateFormatter = lambda *_: date
    document = PDFDocument(invariant=1)

    def entries(info) -> dict[str, str]:
        return {str(k): str(v) for k, v in pikepdf.Object.parse(info.format(document)).items()}

    for values in ({"title": "标题", "author": "罗湖区 (办)", "subject": "主题", "keywords": "年度, 报告",
                    "creator": "pipeline", "producer": "pipeline (ReportLab)"},
                   {"title": "标题", "author": "", "subject": "", "keywords": "", "creator": "c", "producer": "p"}):
        finishing.setTitle(values["title"])
        finishing.setAuthor(values["author"])
        finishing.setSubject(values["subject"])
        finishing.setKeywords(values["keywords"])
        finishing.setCreator(values["creator"])
        finishing.setProducer(values["producer"])
        for name, value in values.items():
            setattr(theirs, name, value)
        expected = {k: v for k, v in entries(theirs).items() if k != "/Trapped" and v}
        assert entries(ours) == expected == ours.entries()
        assert "/Trapped" in entries(theirs)


def test_reportlab_writes_endstream_right_after_the_data_and_archival_files_an_eol():
    """reportlab's ``PDFStream.format`` writes the data then ``endstream``; in an archival
    document (``EOL_BEFORE_ENDSTREAM``) an EOL comes between, the Length unchanged; in any other
    the bytes are reportlab's."""
    from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFDocument, PDFStream

    pdfa.canvas_class()
    assert PDFStream.format is pdfa._stream_format
    original = pdfa._stream_format.__wrapped__
    assert original is not pdfa._stream_format
    stream = PDFStream(PDFDictionary({}), b"data")
    plain = PDFDocument(invariant=1)
    assert original(stream, plain) == b"<<\n/Length 4\n>>\nstream\ndataendstream\n"
    assert stream.format(plain) == original(stream, plain)
    marked = PDFDocument(invariant=1)
    setattr(marked, pdfa.EOL_BEFORE_ENDSTREAM, True)
    assert stream.format(marked) == b"<<\n/Length 4\n>>\nstream\ndata\nendstream\n"


def test_reportlab_writes_a_file_identifier_the_writer_can_replace():
    """reportlab's trailer holds ``/ID`` as two hex strings of 16 bytes, which ``identified``
    replaces (reportlab's own is a digest of its time stamp and four info entries)."""
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out, invariant=1)
    canvas.drawString(72, 72, "x")
    canvas.save()
    data = out.getvalue()
    theirs = trailer_id(data)
    assert theirs[1] == theirs[2]
    ours = trailer_id(pdfa.identified(data))
    assert ours[1] == ours[2] != theirs[1]


# --- what a PDF claims --------------------------------------------------------------------

@pytest.mark.slow
def test_claims_of_archival_tagged_and_plain_files(reference_tree, font_cache):
    archival = pdfclaims.claims(rendered("reference", reference_tree, settings_for(font_cache)))
    assert {k: archival[k] for k in ("pdfa", "pdfa_part", "pdfa_conformance", "tagged", "lang")} == {
        "pdfa": "PDF/A-2b", "pdfa_part": 2, "pdfa_conformance": "B", "tagged": False, "lang": "zh-CN"}
    assert archival["output_intents"] == ["sRGB IEC61966-2.1"] and not archival["encrypted"]
    assert pdfclaims.claims(tagged("reference", reference_tree, font_cache))["tagged"] is True
    plain = pdfclaims.claims(rendered("reference", reference_tree, settings_for(font_cache, archival=False)))
    assert (plain["pdfa"], plain["tagged"], plain["output_intents"]) == (None, False, [])
    assert "PDF/A: PDF/A-2b" in pdfclaims.describe(archival)
    with pytest.raises(InputError):
        pdfclaims.claims(b"<html>not a pdf</html>")


def test_xmp_is_well_formed_xml(reference_tree, font_cache):
    with pikepdf.open(io.BytesIO(rendered("reference", reference_tree, settings_for(font_cache)))) as doc:
        root = etree.fromstring(doc.Root.Metadata.read_bytes())
    assert root.tag == "{adobe:ns:meta/}xmpmeta"
    assert root.find(f".//{{{XMP_DC}}}title") is not None


def test_claims_on_the_command_line(reference_tree, font_cache, tmp_path, capsys):
    good = tmp_path / "report.pdf"
    good.write_bytes(tagged("reference", reference_tree, font_cache))
    assert pdfclaims.main([str(good), "--json"]) == 0
    found = json.loads(capsys.readouterr().out)
    assert (found["pdfa"], found["tagged"]) == ("PDF/A-2b", True)
    bad = tmp_path / "page.pdf"
    bad.write_bytes(b"<html></html>")
    assert pdfclaims.main([str(good), str(bad)]) == 1
    out, err = capsys.readouterr()
    assert "PDF/A: PDF/A-2b" in out and "tagged: yes" in out
    assert err.startswith(f"pipeline: {bad}: not a readable PDF")


def test_pipeline_inspect_says_what_a_pdf_claims(reference_tree, font_cache, tmp_path):
    from click.testing import CliRunner

    from pipeline.cli import main

    path = tmp_path / "report.pdf"
    path.write_bytes(tagged("reference", reference_tree, font_cache))
    result = CliRunner().invoke(main, ["inspect", str(path), "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    assert (found["pdfa"], found["pdfa_part"], found["pdfa_conformance"], found["tagged"]) == ("PDF/A-2b", 2, "B", True)
    result = CliRunner().invoke(main, ["inspect", str(path)])
    assert result.exit_code == 0 and "PDF/A: PDF/A-2b" in result.output and "tagged: yes" in result.output
    missing = CliRunner().invoke(main, ["inspect", str(tmp_path / "none.pdf")])
    assert missing.exit_code == 1
