"""The form jcs_redis_config predicts for notify-keyspace-events against the emulator's (Redis's
keyspaceEventsFlagsToString), over every combination of the letters each version offers; in-process, both
being pure functions. The module tests check the same over HTTP for chosen values."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jdcloud_redis_emulator import parameters as emu

from ansible_collections.jdcloud.cloud.plugins.module_utils import _parameters as pm

VERSIONS = ('4.0', '5.0', '6.2', '7.2')


def item(version):
    return emu.catalogue(version)['notify-keyspace-events'].render('')


@pytest.mark.parametrize('version', VERSIONS)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_the_predicted_form_is_the_reported_form(version, data):
    config = item(version)
    letters = data.draw(st.lists(st.sampled_from(config['configValueOptional']), max_size=16))
    text = ''.join(letters)
    sent, key = pm.check(pm.KEYSPACE_EVENTS, config, text)
    reported = emu.canonical_events(sent, version)
    assert pm.predicted(config, sent, '') == reported
    # the reported form reads back as the same value: a re-run is unchanged
    assert pm.key_of(pm.KEYSPACE_EVENTS, config, reported) == key
    assert emu.canonical_events(reported, version) == reported
