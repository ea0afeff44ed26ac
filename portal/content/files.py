"""Checking uploads by their content, stripping image metadata, extracting text to scan."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from flask_babel import gettext as _

from portal.core.errors import OperationError
from portal.core.privacy import mask_text

KINDS = {
    "pdf": ("application/pdf", (".pdf",)),
    "png": ("image/png", (".png",)),
    "jpeg": ("image/jpeg", (".jpg", ".jpeg")),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (".xlsx",),
    ),
}
MAX_PIXELS = 40_000_000
MAX_XLSX_CELLS = 500_000
MAX_UNZIPPED = 100 * 1024 * 1024
MAX_PDF_PAGES = 300


@dataclass
class CheckedFile:
    kind: str
    mimetype: str
    data: bytes  # possibly re-encoded (images lose EXIF)
    text: str  # "place\ttext" lines for the privacy guard and search


def sniff(data: bytes) -> str | None:
    """The file kind from its first bytes (and, for XLSX, its zip directory)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except zipfile.BadZipFile:
            return None
        if "xl/workbook.xml" in names and "[Content_Types].xml" in names:
            return "xlsx"
    return None


def check_upload(filename: str, data: bytes, max_bytes: int) -> CheckedFile:
    """Accept a PDF, PNG, JPEG or XLSX whose content matches its name, or refuse in Chinese."""
    if not data:
        raise OperationError(_("文件“%(f)s”是空的", f=filename), "attachment")
    if len(data) > max_bytes:
        raise OperationError(
            _("文件“%(f)s”超过 %(m)d MB 的大小限制", f=filename, m=max_bytes // (1024 * 1024)),
            "attachment",
        )
    kind = sniff(data)
    lower = filename.lower()
    if kind is None or not lower.endswith(KINDS[kind][1]):
        raise OperationError(
            _("文件“%(f)s”的类型不允许：只能上传 PDF、PNG、JPG 图片或 XLSX 表格，且扩展名须与内容一致",
              f=filename),
            "attachment",
        )
    if kind in ("png", "jpeg"):
        data, text = _clean_image(filename, data, kind), ""
    elif kind == "xlsx":
        text = xlsx_text(filename, data)
    else:
        text = pdf_text(filename, data)
    return CheckedFile(kind, KINDS[kind][0], data, text)


def _clean_image(filename: str, data: bytes, kind: str) -> bytes:
    """Re-encode an image so that EXIF (GPS position, camera, time) is not published."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.width * img.height > MAX_PIXELS:
                raise OperationError(_("图片“%(f)s”像素过多", f=filename), "attachment")
            img.load()
            out = io.BytesIO()
            if kind == "jpeg":
                img.convert("RGB").save(out, "JPEG", quality=90)
            else:
                img.save(out, "PNG")
            return out.getvalue()
    except OperationError:
        raise
    except Exception:  # Pillow raises many types for broken files
        raise OperationError(_("图片“%(f)s”已损坏，无法打开", f=filename), "attachment") from None


def _zip_guard(filename: str, data: bytes) -> None:
    total = sum(i.file_size for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    if total > MAX_UNZIPPED:
        raise OperationError(_("表格“%(f)s”解压后过大，请拆分后上传", f=filename), "attachment")


def xlsx_text(filename: str, data: bytes) -> str:
    """Every non-empty cell as 'sheet!A1<TAB>value', refusing huge declared dimensions."""
    from openpyxl import load_workbook

    _zip_guard(filename, data)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many types for broken files
        raise OperationError(_("表格“%(f)s”无法读取", f=filename), "attachment") from None
    lines = []
    try:
        for ws in wb.worksheets:
            if (ws.max_row or 0) * (ws.max_column or 0) > MAX_XLSX_CELLS:
                raise OperationError(
                    _("表格“%(f)s”的工作表“%(s)s”声明的范围过大", f=filename, s=ws.title),
                    "attachment",
                )
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value is not None and str(cell.value).strip():
                        lines.append(f"{ws.title}!{cell.coordinate}\t{cell.value}")
    finally:
        wb.close()
    return "\n".join(lines)


def masked_xlsx(data: bytes) -> bytes:
    """The same workbook with every identifier in text cells masked."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None:
                    continue
                if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                    text = str(int(cell.value)) if float(cell.value).is_integer() else None
                    if text and mask_text(text) != text:
                        cell.value = mask_text(text)
                elif isinstance(cell.value, str) and mask_text(cell.value) != cell.value:
                    cell.value = mask_text(cell.value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def pdf_text(filename: str, data: bytes) -> str:
    """The text layer of a PDF, page by page, as 'p3<TAB>text' lines."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if len(reader.pages) > MAX_PDF_PAGES:
            raise OperationError(_("PDF“%(f)s”页数过多", f=filename), "attachment")
        lines = []
        for number, page in enumerate(reader.pages, start=1):
            for line in (page.extract_text() or "").splitlines():
                if line.strip():
                    lines.append(f"p{number}\t{line}")
        return "\n".join(lines)
    except OperationError:
        raise
    except Exception:  # pypdf raises many types for broken files
        raise OperationError(_("PDF“%(f)s”已损坏，无法读取", f=filename), "attachment") from None
