"""Static files storage: hashed, compressed names from collectstatic's manifest when there is one."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class ManifestOrPlainStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed names (cached for a year by browsers) for collected files; the plain name for a file
    not collected yet (a bare `runserver` before `collectstatic`, or a file added since), which
    WhiteNoise then serves from the source folders, instead of failing every page that links it."""

    manifest_strict = False

    def stored_name(self, name: str) -> str:
        try:
            return super().stored_name(name)
        except ValueError:
            return name
