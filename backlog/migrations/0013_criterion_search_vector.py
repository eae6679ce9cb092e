from django.db import migrations

# Acceptance criteria get a stored tsvector like items (migration 0011), in place of the expression
# index: the search reads the newest matching criteria first (backlog/selectors/search.py), which
# must test stored vectors rather than run to_tsvector on every row it passes. PostgreSQL only; the
# column is not a model field.
FORWARD = [
    "DROP INDEX IF EXISTS backlog_criterion_search",
    """ALTER TABLE backlog_acceptancecriterion ADD COLUMN search_vector tsvector
       GENERATED ALWAYS AS (to_tsvector('english'::regconfig, coalesce(text, ''))) STORED""",
    "CREATE INDEX backlog_criterion_search_vector ON backlog_acceptancecriterion USING GIN (search_vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS backlog_criterion_search_vector",
    "ALTER TABLE backlog_acceptancecriterion DROP COLUMN IF EXISTS search_vector",
    """CREATE INDEX backlog_criterion_search ON backlog_acceptancecriterion
       USING GIN (to_tsvector('english'::regconfig, text))""",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("backlog", "0012_item_labels")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
