"""Downloads of the backlog and the roadmap as CSV or XLSX (every cell neutralised against formulas)."""

import tempfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.utils.text import slugify

from core.csv import csv_lines
from core.xlsx import XLSX_CONTENT_TYPE, xlsx_write
from products.selectors import product_access

from ..selectors.exports import EXPORTS


@login_required
def export_download(request, product_id: int, what: str, fmt: str):
    """Every member may download what they may read."""
    access = product_access(user=request.user, product_id=product_id)
    if what not in EXPORTS or fmt not in ("csv", "xlsx"):
        raise Http404
    title, header, rows_of = EXPORTS[what]
    if callable(header):  # columns that depend on the product (the backlog's custom fields)
        header = header(product=access.product)
    rows = rows_of(product=access.product)
    name = f"{slugify(access.product.key)}-{what}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv; charset=utf-8")
    else:
        spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 (FileResponse closes it)
        xlsx_write(spool, sheets=[(title, header, rows)])
        spool.seek(0)
        response = FileResponse(spool, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
