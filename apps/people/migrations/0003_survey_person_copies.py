"""Copies of the person's sex, birth year, ethnicity and disability on each survey record.

The PCGD–XMC counts of a year group the year's records by commune, sex and ethnicity
and filter them by age and disability: with the copies and the index on (year,
commune, sex, ethnicity) they read one table in index order instead of joining every
record to its person. The triggers below keep the copies equal to the person's
values whoever writes (the ORM, the import's raw SQL, other apps' tests):

- a record inserted without its copies (``birth_year`` NULL) takes them from its person;
- a record updated with other copies, or moved to another person, takes them again;
- a change of a person's copied facts is written to all its records.
"""

from django.conf import settings
from django.db import migrations, models

COPIED = ("sex", "birth_year", "ethnicity", "disability")

FILL = """
    UPDATE people_surveyrecord SET sex = p.sex, birth_year = p.birth_year, ethnicity = p.ethnicity,
        disability = p.disability
    FROM people_person p WHERE p.id = people_surveyrecord.person_id
"""

SQLITE_SET = ("UPDATE people_surveyrecord SET (sex, birth_year, ethnicity, disability) = "
              "(SELECT sex, birth_year, ethnicity, disability FROM people_person WHERE id = NEW.person_id) "
              "WHERE id = NEW.id;")
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER people_survey_copy_insert AFTER INSERT ON people_surveyrecord
        WHEN NEW.birth_year IS NULL BEGIN {SQLITE_SET} END""",
    f"""CREATE TRIGGER people_survey_copy_update
        AFTER UPDATE OF person_id, sex, birth_year, ethnicity, disability ON people_surveyrecord
        WHEN NOT EXISTS (SELECT 1 FROM people_person p WHERE p.id = NEW.person_id AND p.sex IS NEW.sex
                         AND p.birth_year IS NEW.birth_year AND p.ethnicity IS NEW.ethnicity
                         AND p.disability IS NEW.disability)
        BEGIN {SQLITE_SET} END""",
    """CREATE TRIGGER people_person_copy_to_surveys
        AFTER UPDATE OF sex, birth_year, ethnicity, disability ON people_person
        WHEN OLD.sex IS NOT NEW.sex OR OLD.birth_year IS NOT NEW.birth_year
             OR OLD.ethnicity IS NOT NEW.ethnicity OR OLD.disability IS NOT NEW.disability
        BEGIN
            UPDATE people_surveyrecord SET sex = NEW.sex, birth_year = NEW.birth_year,
                ethnicity = NEW.ethnicity, disability = NEW.disability
            WHERE person_id = NEW.id;
        END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS people_survey_copy_insert",
               "DROP TRIGGER IF EXISTS people_survey_copy_update",
               "DROP TRIGGER IF EXISTS people_person_copy_to_surveys"]

POSTGRES_TRIGGERS = [
    """CREATE FUNCTION people_survey_copy_person() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE p record;
    BEGIN
        SELECT sex, birth_year, ethnicity, disability INTO p FROM people_person WHERE id = NEW.person_id;
        NEW.sex := p.sex; NEW.birth_year := p.birth_year; NEW.ethnicity := p.ethnicity;
        NEW.disability := p.disability;
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER people_survey_copy_insert BEFORE INSERT ON people_surveyrecord
        FOR EACH ROW WHEN (NEW.birth_year IS NULL) EXECUTE FUNCTION people_survey_copy_person()""",
    """CREATE TRIGGER people_survey_copy_update
        BEFORE UPDATE OF person_id, sex, birth_year, ethnicity, disability ON people_surveyrecord
        FOR EACH ROW EXECUTE FUNCTION people_survey_copy_person()""",
    """CREATE FUNCTION people_person_copy_to_surveys() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE people_surveyrecord SET sex = NEW.sex, birth_year = NEW.birth_year,
            ethnicity = NEW.ethnicity, disability = NEW.disability
        WHERE person_id = NEW.id;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER people_person_copy_to_surveys
        AFTER UPDATE OF sex, birth_year, ethnicity, disability ON people_person FOR EACH ROW
        WHEN (OLD.sex IS DISTINCT FROM NEW.sex OR OLD.birth_year IS DISTINCT FROM NEW.birth_year
              OR OLD.ethnicity IS DISTINCT FROM NEW.ethnicity OR OLD.disability IS DISTINCT FROM NEW.disability)
        EXECUTE FUNCTION people_person_copy_to_surveys()""",
]
POSTGRES_DROP = ["DROP TRIGGER IF EXISTS people_person_copy_to_surveys ON people_person",
                 "DROP TRIGGER IF EXISTS people_survey_copy_update ON people_surveyrecord",
                 "DROP TRIGGER IF EXISTS people_survey_copy_insert ON people_surveyrecord",
                 "DROP FUNCTION IF EXISTS people_person_copy_to_surveys()",
                 "DROP FUNCTION IF EXISTS people_survey_copy_person()"]


def _run(schema_editor, statements: dict[str, list[str]]) -> None:
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement)


def fill(apps, schema_editor) -> None:
    schema_editor.execute(FILL)


def create_triggers(apps, schema_editor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_TRIGGERS, "postgresql": POSTGRES_TRIGGERS})


def drop_triggers(apps, schema_editor) -> None:
    _run(schema_editor, {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP})


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0002_import_job'),
        ('places', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='surveyrecord',
            name='people_surv_year_612112_idx',
        ),
        migrations.AddField(
            model_name='surveyrecord',
            name='birth_year',
            field=models.PositiveSmallIntegerField(blank=True, editable=False, null=True, verbose_name='year of birth'),
        ),
        migrations.AddField(
            model_name='surveyrecord',
            name='disability',
            field=models.CharField(blank=True, choices=[('', 'none'), ('can_learn', 'disabled, can learn'), ('cannot_learn', 'disabled, cannot learn')], default='', editable=False, max_length=16, verbose_name='disability'),
        ),
        migrations.AddField(
            model_name='surveyrecord',
            name='ethnicity',
            field=models.CharField(blank=True, choices=[('01', 'Kinh'), ('02', 'Tày'), ('03', 'Thái'), ('04', 'Hoa'), ('05', 'Khơ-me'), ('06', 'Mường'), ('07', 'Nùng'), ('08', 'Mông'), ('09', 'Dao'), ('10', 'Gia-rai'), ('11', 'Ngái'), ('12', 'Ê-đê'), ('13', 'Ba-na'), ('14', 'Xơ-đăng'), ('15', 'Sán Chay'), ('16', 'Cơ-ho'), ('17', 'Chăm'), ('18', 'Sán Dìu'), ('19', 'Hrê'), ('20', 'Mnông'), ('21', 'Ra-glai'), ('22', 'Xtiêng'), ('23', 'Bru-Vân Kiều'), ('24', 'Thổ'), ('25', 'Giáy'), ('26', 'Cơ-tu'), ('27', 'Gié-Triêng'), ('28', 'Mạ'), ('29', 'Khơ-mú'), ('30', 'Co'), ('31', 'Tà-ôi'), ('32', 'Chơ-ro'), ('33', 'Kháng'), ('34', 'Xinh-mun'), ('35', 'Hà Nhì'), ('36', 'Chu-ru'), ('37', 'Lào'), ('38', 'La Chí'), ('39', 'La Ha'), ('40', 'Phù Lá'), ('41', 'La Hủ'), ('42', 'Lự'), ('43', 'Lô Lô'), ('44', 'Chứt'), ('45', 'Mảng'), ('46', 'Pà Thẻn'), ('47', 'Cơ Lao'), ('48', 'Cống'), ('49', 'Bố Y'), ('50', 'Si La'), ('51', 'Pu Péo'), ('52', 'Brâu'), ('53', 'Ơ Đu'), ('54', 'Rơ-măm')], default='', editable=False, max_length=2, verbose_name='ethnicity'),
        ),
        migrations.AddField(
            model_name='surveyrecord',
            name='sex',
            field=models.CharField(blank=True, choices=[('M', 'male'), ('F', 'female')], default='', editable=False, max_length=1, verbose_name='sex'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='surveyrecord',
            index=models.Index(fields=['year', 'commune', 'sex', 'ethnicity', 'birth_year', 'status', 'disability', 'enrolled_level', 'preschool_completed', 'primary_completed_year', 'lower_secondary_graduated_year', 'highest_grade_completed', 'literacy_stage_completed'], name='survey_year_commune_group'),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
