"""The checks that undo a load: SELECTs that return the offending rows, here given rows that offend."""

from etl.warehouse import sql
from tests.conftest import make_id


def test_a_load_that_lost_a_row_on_the_way_fails_conservation(mart_warehouse):
    con = mart_warehouse.con
    con.execute("update loads set rows_read = 3, rows_loaded = 1, rows_rejected = 1 where load_id = 1")
    mart_warehouse.elder(make_id("19560101", 1), "独居")
    con.execute("insert into rejects values (1, 'roster.csv', null, 3, '姓名为空', '{}', null, 1, 3, null, null, null)")
    assert [row[0] for row in con.execute(sql("checks/load_conservation")).fetchall()] == [1]
    con.execute("update loads set rows_read = 2 where load_id = 1")
    assert con.execute(sql("checks/load_conservation")).fetchall() == []


def test_a_row_read_but_neither_stored_nor_rejected_fails_conservation_even_when_the_record_adds_up(mart_warehouse):
    # the load's own counts agree with each other (3 = 2 + 1), but only 1 + 1 rows are in the tables
    con = mart_warehouse.con
    con.execute("update loads set rows_read = 3, rows_loaded = 2, rows_rejected = 1 where load_id = 1")
    mart_warehouse.elder(make_id("19560101", 1), "独居")
    con.execute("insert into rejects values (1, 'roster.csv', null, 3, '姓名为空', '{}', null, 1, 3, null, null, null)")
    [failure] = con.execute(sql("checks/load_conservation")).fetchall()
    assert failure[0] == 1 and failure[-2:] == (1, 1)
