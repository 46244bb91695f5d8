import django.db.models.deletion
from django.db import migrations, models

UPSERT = ' ON CONFLICT (commune_id, block, year) DO UPDATE SET "count" = people_surveycoverage."count" + excluded."count"'

FILL = [
    "DELETE FROM people_surveycoverage",
    'INSERT INTO people_surveycoverage (commune_id, block, year, "count") '
    "SELECT commune_id, id >> 6, 0, COUNT(*) FROM people_person GROUP BY 1, 2",
    'INSERT INTO people_surveycoverage (commune_id, block, year, "count") '
    "SELECT p.commune_id, r.person_id >> 6, r.year, COUNT(*) FROM people_surveyrecord r "
    "JOIN people_person p ON p.id = r.person_id GROUP BY 1, 2, 3",
]


def _sqlite_add(commune: str, person: str, year: str, source: str = "") -> str:
    """+1 in a block; ``source`` a FROM … WHERE clause the values are read from (WHERE keeps the
    upsert's ON CONFLICT from being parsed as a join's ON)."""
    select = f"SELECT {commune}, {person} >> 6, {year}, 1 {source or 'WHERE true'}"
    return f'INSERT INTO people_surveycoverage (commune_id, block, year, "count") {select}{UPSERT};'


def _sqlite_remove(commune: str, person: str, year: str) -> str:
    return (f'UPDATE people_surveycoverage SET "count" = "count" - 1 WHERE commune_id = {commune} '
            f"AND block = {person} >> 6 AND year = {year};")


PERSON_OF = "(SELECT commune_id FROM people_person WHERE id = {})"

SQLITE = [
    f"""CREATE TRIGGER people_coverage_person_insert AFTER INSERT ON people_person BEGIN
        {_sqlite_add("NEW.commune_id", "NEW.id", "0")} END""",
    f"""CREATE TRIGGER people_coverage_person_delete AFTER DELETE ON people_person BEGIN
        {_sqlite_remove("OLD.commune_id", "OLD.id", "0")} END""",
    f"""CREATE TRIGGER people_coverage_person_move AFTER UPDATE OF commune_id ON people_person
        WHEN OLD.commune_id IS NOT NEW.commune_id BEGIN
        UPDATE people_surveycoverage SET "count" = "count" - 1 WHERE commune_id = OLD.commune_id
            AND block = OLD.id >> 6
            AND (year = 0 OR year IN (SELECT year FROM people_surveyrecord WHERE person_id = OLD.id));
        {_sqlite_add("NEW.commune_id", "NEW.id", "0")}
        {_sqlite_add("NEW.commune_id", "NEW.id", "year", "FROM people_surveyrecord WHERE person_id = NEW.id")}
        END""",
    f"""CREATE TRIGGER people_coverage_survey_insert AFTER INSERT ON people_surveyrecord BEGIN
        {_sqlite_add("commune_id", "NEW.person_id", "NEW.year", "FROM people_person WHERE id = NEW.person_id")}
        END""",
    f"""CREATE TRIGGER people_coverage_survey_delete AFTER DELETE ON people_surveyrecord BEGIN
        {_sqlite_remove(PERSON_OF.format("OLD.person_id"), "OLD.person_id", "OLD.year")} END""",
    f"""CREATE TRIGGER people_coverage_survey_move AFTER UPDATE OF person_id, year ON people_surveyrecord
        WHEN OLD.person_id IS NOT NEW.person_id OR OLD.year IS NOT NEW.year BEGIN
        {_sqlite_remove(PERSON_OF.format("OLD.person_id"), "OLD.person_id", "OLD.year")}
        {_sqlite_add("commune_id", "NEW.person_id", "NEW.year", "FROM people_person WHERE id = NEW.person_id")}
        END""",
]
SQLITE_NAMES = ["people_coverage_person_insert", "people_coverage_person_delete", "people_coverage_person_move",
                "people_coverage_survey_insert", "people_coverage_survey_delete", "people_coverage_survey_move"]


def _pg_function(name: str, body: str) -> str:
    return (f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} "
            "RETURN NULL; END $$")


def _pg_subtract(grouped: str) -> str:
    return (f'UPDATE people_surveycoverage c SET "count" = c."count" - d.n FROM ({grouped}) d '
            "WHERE c.commune_id = d.commune_id AND c.block = d.block AND c.year = d.year;")


PG_INSERT = 'INSERT INTO people_surveycoverage (commune_id, block, year, "count") '
PG_SURVEYS = ("SELECT p.commune_id, (r.person_id >> 6)::int AS block, r.year, COUNT(*) AS n FROM {} r "
              "JOIN people_person p ON p.id = r.person_id GROUP BY 1, 2, 3")
PG_PERSONS = "SELECT commune_id, (id >> 6)::int AS block, 0 AS year, COUNT(*) AS n FROM {} GROUP BY 1, 2"
POSTGRES = [
    _pg_function("people_coverage_persons_added", PG_INSERT + PG_PERSONS.format("new_rows") + UPSERT + ";"),
    _pg_function("people_coverage_persons_removed", _pg_subtract(PG_PERSONS.format("old_rows"))),
    _pg_function("people_coverage_surveys_added", PG_INSERT + PG_SURVEYS.format("new_rows") + UPSERT + ";"),
    _pg_function("people_coverage_surveys_removed", _pg_subtract(PG_SURVEYS.format("old_rows"))),
    # Rare single-row changes: the old place loses the person and its records, the new one gains them.
    _pg_function("people_coverage_person_moved", _pg_subtract(
        "SELECT OLD.commune_id AS commune_id, (OLD.id >> 6)::int AS block, y AS year, 1 AS n FROM "
        "(SELECT 0 AS y UNION ALL SELECT year FROM people_surveyrecord WHERE person_id = OLD.id) years")
        + PG_INSERT + "SELECT NEW.commune_id, (NEW.id >> 6)::int, y, 1 FROM (SELECT 0 AS y UNION ALL "
        "SELECT year FROM people_surveyrecord WHERE person_id = NEW.id) years" + UPSERT + ";"),
    _pg_function("people_coverage_survey_moved", _pg_subtract(
        "SELECT p.commune_id, (OLD.person_id >> 6)::int AS block, OLD.year AS year, 1 AS n "
        "FROM people_person p WHERE p.id = OLD.person_id")
        + PG_INSERT + "SELECT p.commune_id, (NEW.person_id >> 6)::int, NEW.year, 1 FROM people_person p "
        "WHERE p.id = NEW.person_id" + UPSERT + ";"),
    "CREATE TRIGGER people_coverage_person_insert AFTER INSERT ON people_person REFERENCING NEW TABLE AS "
    "new_rows FOR EACH STATEMENT EXECUTE FUNCTION people_coverage_persons_added()",
    "CREATE TRIGGER people_coverage_person_delete AFTER DELETE ON people_person REFERENCING OLD TABLE AS "
    "old_rows FOR EACH STATEMENT EXECUTE FUNCTION people_coverage_persons_removed()",
    "CREATE TRIGGER people_coverage_survey_insert AFTER INSERT ON people_surveyrecord REFERENCING NEW TABLE "
    "AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION people_coverage_surveys_added()",
    "CREATE TRIGGER people_coverage_survey_delete AFTER DELETE ON people_surveyrecord REFERENCING OLD TABLE "
    "AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION people_coverage_surveys_removed()",
    "CREATE TRIGGER people_coverage_person_move AFTER UPDATE OF commune_id ON people_person FOR EACH ROW "
    "WHEN (OLD.commune_id IS DISTINCT FROM NEW.commune_id) EXECUTE FUNCTION people_coverage_person_moved()",
    "CREATE TRIGGER people_coverage_survey_move AFTER UPDATE OF person_id, year ON people_surveyrecord "
    "FOR EACH ROW WHEN (OLD.person_id IS DISTINCT FROM NEW.person_id OR OLD.year IS DISTINCT FROM NEW.year) "
    "EXECUTE FUNCTION people_coverage_survey_moved()",
]
# The copies' insert trigger of 0003 becomes an AFTER trigger: a BEFORE row trigger makes COPY insert
# row by row instead of in batches (the import's survey records took twice as long), even though
# the import gives the copies. The UPDATE goes through 0003's BEFORE UPDATE trigger, which copies.
POSTGRES.extend([
    "DROP TRIGGER people_survey_copy_insert ON people_surveyrecord",
    "CREATE FUNCTION people_survey_copy_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    "UPDATE people_surveyrecord SET birth_year = NULL WHERE id = NEW.id; RETURN NULL; END $$",
    "CREATE TRIGGER people_survey_copy_insert AFTER INSERT ON people_surveyrecord FOR EACH ROW "
    "WHEN (NEW.birth_year IS NULL) EXECUTE FUNCTION people_survey_copy_after_insert()",
])
POSTGRES_DROP = [
    "DROP TRIGGER people_survey_copy_insert ON people_surveyrecord",
    "DROP FUNCTION people_survey_copy_after_insert()",
    "CREATE TRIGGER people_survey_copy_insert BEFORE INSERT ON people_surveyrecord FOR EACH ROW "
    "WHEN (NEW.birth_year IS NULL) EXECUTE FUNCTION people_survey_copy_person()",
    *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table in (
        ("people_coverage_person_insert", "people_person"), ("people_coverage_person_delete", "people_person"),
        ("people_coverage_person_move", "people_person"),
        ("people_coverage_survey_insert", "people_surveyrecord"),
        ("people_coverage_survey_delete", "people_surveyrecord"),
        ("people_coverage_survey_move", "people_surveyrecord"))),
    *(f"DROP FUNCTION IF EXISTS {name}()" for name in (
        "people_coverage_persons_added", "people_coverage_persons_removed", "people_coverage_surveys_added",
        "people_coverage_surveys_removed", "people_coverage_person_moved", "people_coverage_survey_moved")),
]


def create(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    for statement in FILL + (SQLITE if vendor == "sqlite" else POSTGRES if vendor == "postgresql" else []):
        schema_editor.execute(statement)


def drop(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    statements = ([f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_NAMES] if vendor == "sqlite"
                  else POSTGRES_DROP if vendor == "postgresql" else [])
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0003_survey_person_copies'),
        ('places', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='SurveyCoverage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('block', models.IntegerField()),
                ('year', models.PositiveSmallIntegerField()),
                ('count', models.IntegerField(default=0)),
                ('commune', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='places.unit')),
            ],
            options={
                'verbose_name': 'survey coverage of a block of persons',
                'verbose_name_plural': 'survey coverage of blocks of persons',
                'constraints': [models.UniqueConstraint(fields=('commune', 'block', 'year'), name='survey_coverage_unique')],
            },
        ),
        migrations.RunPython(create, drop),
    ]
