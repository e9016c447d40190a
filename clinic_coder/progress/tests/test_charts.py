from clinic_coder.progress.charts import HEIGHT, MARGIN, percent_line, score_histogram


def test_it_puts_scores_in_ten_bands_with_100_in_the_last():
    chart = score_histogram([0, 9, 10, 55, 99, 100, 100])
    counts = {bar.label: bar.count for bar in chart.bars}
    assert counts["0-9"] == 2 and counts["10-19"] == 1 and counts["50-59"] == 1
    assert counts["90-100"] == 3
    assert chart.total == 7


def test_it_draws_the_tallest_bar_to_the_top():
    chart = score_histogram([95, 95, 40])
    tallest = max(chart.bars, key=lambda bar: bar.count)
    assert tallest.y == MARGIN
    assert min(bar.height for bar in chart.bars) == 0


def test_it_draws_a_line_from_0_at_the_bottom_to_100_at_the_top():
    chart = percent_line([("a", 0), ("b", 100)])
    assert chart.points[0].y == HEIGHT - MARGIN
    assert chart.points[1].y == MARGIN
    assert chart.path.startswith("M") and " L" in chart.path


def test_it_copes_with_a_single_point_and_no_scores():
    assert len(percent_line([("only", 50)]).points) == 1
    assert score_histogram([]).total == 0
