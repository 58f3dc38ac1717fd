"""Apps served from the module's `settings` warehouse: whole-scope and one street's, with their pages."""

import sys

import dash
import pytest

from dashboard.accounts import User
from dashboard.app import create_app
from tests.conftest import QUANYECHANG


@pytest.fixture(scope="module")
def app(settings):
    return create_app(settings, User("test", "admin", "all"))


@pytest.fixture(scope="module")
def street_app(settings):
    return create_app(settings, User("street", "admin", QUANYECHANG))


@pytest.fixture(scope="module")
def pages(app):
    return {page["path"]: sys.modules[page["module"]] for page in dash.page_registry.values()}
