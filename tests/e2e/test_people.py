"""A county official imports person files in the browser: two bad rows are
refused and listed, the fixed file goes in, and the coverage changes."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.people.test_import import csv_file, number, row


def test_an_official_fixes_a_refused_file_and_sees_the_coverage_change(
    page_as, official_a, school_a, tmp_path
):
    page = page_as(official_a)
    page.goto("/people/coverage/")
    coverage = page.locator("#coverage-table")
    expect(coverage).to_contain_text(school_a.name)
    first_row = coverage.locator("tbody tr", has_text=school_a.name)
    expect(first_row.locator("td").nth(3)).to_have_text("0")  # student files

    bad = tmp_path / "一人一档.csv"
    wrong = number(2)[:17] + ("0" if number(2)[17] != "0" else "1")
    bad.write_bytes(
        csv_file(
            row(seq=1), row(id_number=wrong), row(seq=3, school="9999999999"), encoding="gbk"
        ).getvalue()
    )
    page.goto("/people/import/")
    page.get_by_label("表格文件（xlsx 或 csv）").set_input_files(str(bad))
    page.get_by_role("button", name="导入").click()
    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("校验码")
    expect(errors).to_contain_text("9999999999")
    expect(page.locator("#job-status")).to_have_text("未导入：文件有错误")

    good = tmp_path / "一人一档（改）.csv"
    good.write_bytes(csv_file(row(seq=1), row(seq=2), row(seq=3), encoding="gbk").getvalue())
    page.goto("/people/import/")
    page.get_by_label("表格文件（xlsx 或 csv）").set_input_files(str(good))
    page.get_by_role("button", name="导入").click()
    expect(page.locator("#job-status")).to_have_text("已完成")
    expect(page.locator("#job-written")).to_have_text("3")

    page.goto("/people/coverage/")
    expect(first_row.locator("td").nth(3)).to_have_text("3")
