"""Shared pytest set-up: the collection's import path and the emulator fixtures of every suite."""

import collection_tree  # noqa: F401  pylint: disable=unused-import
from emulator_fixtures import emulator, emulator_server  # noqa: F401  pylint: disable=unused-import
