import pytest

from clinic_coder.catalog.loading import load_catalog
from tests.factories import make_case, make_case_set


@pytest.fixture
def case(people):
    load_catalog()
    case = make_case()
    make_case_set(cases=[case])
    return case
