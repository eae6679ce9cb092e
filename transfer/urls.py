from django.urls import path

from .views import backup, exports, imports

app_name = "transfer"
P = "products/<int:product_id>"
urlpatterns = [
    path(f"{P}/imports/", imports.import_index, name="import_list"),
    path(f"{P}/imports/<int:pk>/", imports.import_detail, name="import_detail"),
    path(f"{P}/imports/<int:pk>/mapping/", imports.import_mapping, name="import_mapping"),
    path(f"{P}/imports/<int:pk>/dry-run/", imports.import_dry_run, name="import_dry_run"),
    path(f"{P}/imports/<int:pk>/run/", imports.import_run, name="import_run"),
    path(f"{P}/export/<slug:what>.<slug:fmt>", exports.export_download, name="export"),
    path("workspaces/<int:workspace_id>/backup/", backup.backup_page, name="backup"),
    path("workspaces/<int:workspace_id>/backup/download/", backup.backup_download, name="backup_download"),
]
