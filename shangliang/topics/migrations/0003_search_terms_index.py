"""On PostgreSQL, a GIN index over each topic's jieba words (the stored `search_terms` split on spaces): topic
search ("has every word", `@>`) and the similar-topic hint ("has any word", `&&`) read it instead of scanning the
table with LIKE. Other databases keep the LIKE (topics.text)."""

from django.db import migrations

INDEX = "topics_search_terms_gin"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON topics_topic USING gin (string_to_array(btrim(search_terms), ' '))"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("topics", "0002_mobile_encrypted_name_public")]

    operations = [migrations.RunPython(create, drop)]
