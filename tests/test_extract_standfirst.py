"""The standfirst between headline and body belongs to the article's text."""

from __future__ import annotations

from transform.extract import extract

BODY = [
    "The city council voted on Tuesday evening to extend the night bus network to the "
    "eastern districts, after two years of petitions from residents and shop owners.",
    "The new lines will run every twenty minutes between midnight and five in the morning, "
    "and the transport authority expects about four thousand riders a night.",
    "Opposition councillors said the money would have been better spent on repairing the "
    "existing fleet, which has been plagued by breakdowns since the winter.",
    "The first buses are due to start running in September, once drivers are hired.",
]
URL = "https://city.test/transport/night-buses-extended"


def _page(header: str, description: str = "") -> str:
    meta = f'<meta property="og:description" content="{description}">' if description else ""
    paragraphs = "".join(f"<p>{p}</p>" for p in BODY)
    return (f"<html lang='en'><head><title>Night buses extended</title>{meta}</head><body>"
            f"<article><header><h1>Night buses extended</h1>{header}</header>"
            f"<div class='body'>{paragraphs}</div></article></body></html>")


def test_a_subheadline_named_by_its_class_opens_the_text() -> None:
    header = "<h2 class='sub-headline'>Residents campaigned for two years for the service</h2>"
    art = extract(_page(header), URL)
    assert art.text.startswith("Residents campaigned for two years for the service\n")
    assert BODY[0] in art.text


def test_a_paragraph_that_shows_the_description_opens_the_text() -> None:
    lead = "Four thousand riders a night are expected on the new lines from September"
    header = f"<div class='x1'><p>{lead}</p></div><p class='x2'>By Jane Roe</p>"
    art = extract(_page(header, description=lead + "."), URL)
    assert art.text.split("\n")[0] == lead
    assert "Jane Roe" not in art.text


def test_a_key_points_list_is_kept_in_order() -> None:
    points = ["Night buses will reach the eastern districts from September",
              "The service runs every twenty minutes after midnight",
              "Opposition councillors wanted the fleet repaired first"]
    items = "".join(f"<li>{p}</li>" for p in points)
    header = f"<div class='KeyPoints-list'><div><ul>{items}</ul></div></div>"
    art = extract(_page(header), URL)
    assert art.text.split("\n")[:3] == points


def test_unvouched_blocks_and_sign_up_prompts_are_not_a_standfirst() -> None:
    header = ("<div class='promo'><p class='subtitle'>Plus special access to premium content "
              "with your free account today</p></div>"
              "<p>Share this story with friends and family on your networks</p>")
    art = extract(_page(header), URL)
    assert art.text.startswith(BODY[0])


def test_a_standfirst_already_in_the_body_is_not_repeated() -> None:
    header = f"<p class='dek'>{BODY[0]}</p>"
    art = extract(_page(header), URL)
    assert art.text.count("The city council voted") == 1


def test_a_long_summary_column_is_not_a_standfirst() -> None:
    column = "".join(f"<p>Update {i}: the council met again and heard more residents speak "
                     f"about the plan for the eastern districts.</p>" for i in range(8))
    header = f"<div class='blog-summary'>{column}</div>"
    art = extract(_page(header), URL)
    assert art.text.startswith(BODY[0])


def test_a_standfirst_shown_twice_is_kept_once() -> None:
    lead = "Four thousand riders a night are expected on the new lines from September."
    header = f"<p class='dek mobile'>{lead}</p><p class='dek desktop'>{lead}</p>"
    art = extract(_page(header), URL)
    assert art.text.count("Four thousand riders") == 1
