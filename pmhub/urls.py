from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.views.sign_in import SignInView

from .views import healthz, home

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/login/", SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("pmhub.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("integrations.urls")),
    path("", include("workspaces.urls")),
    path("", include("products.urls")),
    path("", include("okrs.urls")),
    path("", include("roadmap.urls")),
    path("", include("backlog.urls")),
    path("", include("dashboards.urls")),
    path("", include("prioritization.urls")),
    path("", include("customfields.urls")),
    path("", include("discovery.urls")),
    path("", include("delivery.urls")),
    path("", include("collaboration.urls")),
    path("", include("notifications.urls")),
    path("", include("transfer.urls")),
    path("", include("search.urls")),
]

handler403 = "pmhub.views.permission_denied"
handler404 = "pmhub.views.page_not_found"
handler500 = "pmhub.views.server_error"
