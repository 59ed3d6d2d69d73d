"""Relevance (issue 15 item 9): for each patient query, the section that must come first.

The same table passes on PostgreSQL (ts_rank over the stored vectors) and SQLite (the
same formula in Python), over the shipped articles.
"""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

FIRST_SECTION = {
    "flu jab": "common-questions/#can-i-have-vaccines",
    "live vaccine": "glossary/#live-vaccine",
    "sun cream": "side-effects/#how-do-i-protect-my-skin",
    "allopurinol": "side-effects/#can-i-take-gout-medicines-such-as-allopurinol-or-febuxostat",
    "febuxostat": "side-effects/#can-i-take-gout-medicines-such-as-allopurinol-or-febuxostat",
    "warfarin": "side-effects/#can-i-take-warfarin",
    "antibiotics": "side-effects/#can-i-take-antibiotics",
    "herbal remedies": "side-effects/#can-i-take-herbal-remedies-or-supplements",
    "hair falling out": "side-effects/#what-if-my-hair-thins",
    "throwing up": "side-effects/#what-if-i-feel-sick-or-am-sick",
    "being sick": "side-effects/#what-if-i-feel-sick-or-am-sick",
    "the runs": "side-effects/#what-if-i-get-diarrhoea",
    "rash": "side-effects/#what-if-i-get-a-rash",
    "loss of appetite": "side-effects/#what-if-i-lose-my-appetite",
    "booze": "common-questions/#can-i-drink-alcohol",
    "expecting": "common-questions/#can-i-take-it-if-i-want-a-baby-or-if-i-am-pregnant",
    "breastfeeding": "side-effects/#can-i-take-it-if-i-am-pregnant-or-breastfeeding",
    "fertility": "common-questions/#will-it-affect-my-fertility",
    "chickenpox": "immune-system/#what-about-chickenpox-and-shingles",
    "shingles": "immune-system/#what-about-chickenpox-and-shingles",
    "infection signs": "immune-system/#what-signs-should-i-look-out-for",
    "tpmt": "how-your-body-handles-it/#what-is-tpmt",
    "gene test": "how-your-body-handles-it/#will-i-have-a-gene-test-before-i-start",
    "blood tests": "side-effects/#why-do-i-need-regular-blood-tests",
    "forgot my tablet": "common-questions/#what-if-i-miss-a-dose",
    "took too much": "common-questions/#what-if-i-take-too-much",
    "driving": "common-questions/#can-i-drive",
    "operation": "common-questions/#what-if-i-need-an-operation-or-dental-treatment",
    "skin cancer": "side-effects/#does-it-raise-the-risk-of-skin-cancer",
    "lymphoma": "side-effects/#what-about-lymphoma-and-other-cancers",
    "pancreatitis": "side-effects/#what-is-pancreatitis",
    "liver": "side-effects/#what-about-liver-problems",
    "prodrug": "how-it-works/#what-is-a-prodrug",
    "how long to work": "overview/#how-long-does-it-take-to-work",
    "stop taking": "common-questions/#can-i-stop-taking-it-when-i-feel-better",
    "store tablets": "overview/#how-should-i-store-and-handle-the-tablets",
    "steroids": "overview/#can-it-help-me-take-fewer-steroids",
    "milk": "how-your-body-handles-it/#does-milk-or-food-matter",
    "reliable information": "support/#how-do-i-tell-if-health-information-is-reliable",
    "report a side effect": "side-effects/#how-do-i-report-a-side-effect",
    "share my story": "real-life-stories/#how-can-i-share-my-own-story",
}


@pytest.fixture
def loaded(db):
    call_command("load_initial_content", stdout=StringIO())


@pytest.mark.parametrize(("query", "section"), FIRST_SECTION.items(), ids=FIRST_SECTION.keys())
def test_a_patient_query_lands_first_on_the_section_that_answers_it(client, loaded, query, section):
    page = client.get(reverse("search:results"), {"q": query}).content.decode()
    first = re.search(r'<h3><a href="/articles/([^"]+)">', page)
    assert first and first.group(1) == section
