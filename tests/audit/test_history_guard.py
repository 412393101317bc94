"""History rows are append-only in the database itself: on PostgreSQL every history table
refuses UPDATE and DELETE, whoever asks, while new rows are still written."""

import pytest
from django.db import DatabaseError, connection, transaction

from dairy_campaign.choices import AgencyKind, Role
from dairy_campaign.history_guard import TRIGGER, history_tables, install_history_guards
from dairy_campaign.services.audit import audited_save
from licensing.models import Licence

from ..factories import member
from ..licensing.factories import LicenceFactory
from ..services import need_postgresql

pytestmark = [pytest.mark.services, pytest.mark.django_db]


@pytest.fixture
def licence():
    need_postgresql()
    licence = LicenceFactory()
    licence.number = "改号-1"
    audited_save(licence, actor=member("320115", AgencyKind.QTS, Role.REVIEWER), reason="更正编号", validate=False)
    return licence


def _refused(statement):
    with pytest.raises(DatabaseError, match="history is append-only"), transaction.atomic():
        statement()


def test_the_application_cannot_update_a_history_row(licence):
    _refused(lambda: Licence.history.filter(id=licence.pk).update(history_change_reason="改写"))
    assert not Licence.history.filter(history_change_reason="改写").exists()


def test_the_application_cannot_delete_a_history_row(licence):
    rows = Licence.history.filter(id=licence.pk).count()
    _refused(lambda: Licence.history.filter(id=licence.pk).delete())
    _refused(lambda: licence.history.first().delete())
    assert Licence.history.filter(id=licence.pk).count() == rows == 2


def test_raw_sql_on_the_applications_account_is_refused_too(licence):
    table = Licence.history.model._meta.db_table

    def update():
        with connection.cursor() as cursor:
            cursor.execute(f'UPDATE "{table}" SET history_user_id = NULL')

    _refused(update)


def test_new_history_rows_are_still_written(licence):
    licence.number = "改号-2"
    audited_save(licence, actor=None, reason="再次更正", validate=False)
    assert licence.history.count() == 3


def test_every_history_table_is_guarded_and_installing_again_changes_nothing():
    need_postgresql()
    assert install_history_guards() == history_tables()  # idempotent: a second run, no error
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = %s", [TRIGGER]
        )
        guarded = sorted(row[0] for row in cursor.fetchall())
    assert guarded == history_tables()
    assert {"licensing_historicallicence", "inspections_historicalinspection", "cases_historicalcase"} <= set(guarded)
    assert {"sampling_historicalsample", "sampling_historicallabresult"} <= set(guarded)
