"""The shared time and window parsers of _backup (pure functions, so in-process), over the edges of the
calendar: whatever the text, a result in the API's four-digit UTC form or a ValueError, never anything
else (an OverflowError reached users as "Module failed: date value out of range")."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ansible_collections.jdcloud.cloud.plugins.module_utils import _backup as bk

API_TIME = re.compile(r'\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\Z')
FIRST = datetime(1, 1, 1)
LAST = datetime(9999, 12, 31, 23, 59, 59)
DAY = timedelta(days=1)
# Mostly the first and last days of the calendar, where a UTC offset pushes a moment out of it.
EDGE_MOMENTS = st.one_of(
    st.datetimes(min_value=FIRST, max_value=FIRST + DAY),
    st.datetimes(min_value=LAST - DAY, max_value=LAST),
    st.datetimes(min_value=FIRST, max_value=LAST),
).map(lambda moment: moment.replace(microsecond=0))
OFFSETS = st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59)
SEPARATORS = st.sampled_from(['T', ' '])


def zone(offset):
    sign = '+' if offset >= 0 else '-'
    return f'{sign}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}'


def utc_seconds(local, offset_minutes):
    """Seconds from 0001-01-01T00:00:00Z of a local time with its offset, without datetime's range."""
    return (local - FIRST).total_seconds() - offset_minutes * 60


def expected(seconds):
    moment = FIRST + timedelta(seconds=seconds)
    return f'{moment.year:04d}-{moment:%m-%dT%H:%M:%S}Z'


@settings(max_examples=300, deadline=None)
@given(local=EDGE_MOMENTS, offset=OFFSETS, separator=SEPARATORS, end_of_day=st.booleans())
@example(local=datetime(1, 1, 1), offset=60, separator='T', end_of_day=False)
@example(local=datetime(9999, 12, 31, 23), offset=-120, separator='T', end_of_day=True)
@example(local=datetime(1, 1, 1, 1), offset=60, separator='T', end_of_day=False)
def test_a_time_is_its_utc_moment_or_out_of_range(local, offset, separator, end_of_day):
    text = f'{local:%m-%d}{separator}{local:%H:%M:%S}{zone(offset)}'
    text = f'{local.year:04d}-{text}'
    seconds = utc_seconds(local, offset)
    if 0 <= seconds <= utc_seconds(LAST, 0):
        parsed = bk.parse_time(text, end_of_day=end_of_day)
        assert API_TIME.match(parsed), parsed
        assert parsed == expected(seconds)
    else:
        with pytest.raises(ValueError, match='out of range.*0001-01-01T00:00:00Z.*9999-12-31T23:59:59Z'):
            bk.parse_time(text, end_of_day=end_of_day)


@settings(max_examples=200, deadline=None)
@given(day=st.dates(), offset=st.one_of(st.none(), OFFSETS), end_of_day=st.booleans())
def test_a_date_is_its_first_or_last_second(day, offset, end_of_day):
    text = f'{day.year:04d}-{day:%m-%d}' + ('' if offset is None else zone(offset).replace(':', ''))
    local = datetime(day.year, day.month, day.day) + (DAY - timedelta(seconds=1) if end_of_day else timedelta())
    seconds = utc_seconds(local, offset or 0)
    if 0 <= seconds <= utc_seconds(LAST, 0):
        assert bk.parse_time(text, end_of_day=end_of_day) == expected(seconds)
    else:
        with pytest.raises(ValueError, match='out of range'):
            bk.parse_time(text, end_of_day=end_of_day)


@settings(max_examples=200, deadline=None)
@given(
    first=st.datetimes(min_value=FIRST, max_value=LAST).map(lambda m: m.replace(microsecond=0)),
    second=st.datetimes(min_value=FIRST, max_value=LAST).map(lambda m: m.replace(microsecond=0)),
)
def test_the_api_form_sorts_like_the_moments(first, second):
    # jcs_redis_backup_info compares start_time and end_time as parsed strings
    a, b = (bk.parse_time(f'{m.year:04d}-{m:%m-%dT%H:%M:%S}Z') for m in (first, second))
    assert (a < b) == (first < second) and (a == b) == (first == second)


@settings(max_examples=200, deadline=None)
@given(
    text=st.one_of(
        st.text(max_size=40), st.from_regex(r'\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?([+-]\d{2}:?\d{2}|Z)?')
    )
)
@example(text='0000-01-01')
@example(text='10000-01-01')
@example(text='2024-02-30')
@example(text='2024-05-01T24:00:00Z')
@example(text='2024-05-01T23:59:60Z')
@example(text='2024-05-01T08:00:00+24:00')
def test_any_text_is_a_time_or_a_value_error(text):
    try:
        parsed = bk.parse_time(text)
    except ValueError:
        return
    assert API_TIME.match(parsed), parsed


@settings(max_examples=200, deadline=None)
@given(text=st.one_of(st.text(max_size=30), st.from_regex(r'\d{1,2}:\d{2}-\d{1,2}:\d{2}( ?([+-]\d{2}:?\d{2}|Z|UTC))?')))
@example(text='23:00-00:00 +1400')
@example(text='00:00-01:00 -1400')
@example(text='00:00-01:00 +1500')
@example(text='24:00-01:00')
def test_any_window_is_a_window_or_a_value_error(text):
    try:
        window = bk.parse_window(text)
    except ValueError:
        return
    start, end, offset = window
    assert 0 <= start < 1440 and 0 <= end < 1440 and start != end and abs(offset) <= 14 * 60 + 59
    assert bk.parse_window(bk.render_window(window)) == window


def test_a_backup_that_vanished_is_worded_once():
    """jcs_redis_backup and the final backup of a delete say it with one helper, naming the backup and instance."""
    assert bk.vanished('b-1', 'redis-abc') == 'Backup b-1 of instance redis-abc disappeared while it ran'
    assert bk.vanished('b-1', 'redis-abc', 'The final backup').startswith('The final backup b-1 of instance redis-abc')
