"""Inline pointers to other articles are not part of the article's text."""

from __future__ import annotations

from transform.extract import extract

BODY = [
    "Ribuan suporter memadati stadion pada Selasa malam untuk menyaksikan laga kualifikasi.",
    "Tim tuan rumah mencetak gol tunggal pada menit ke-71 melalui sundulan bek tengah.",
    "Pelatih mengatakan timnya akan beristirahat dua hari sebelum bertolak ke laga tandang.",
    "Federasi meminta suporter tetap tertib dan berterima kasih atas dukungan masyarakat.",
]


def _page(inline: str) -> str:
    paragraphs = [f"<p>{p} {p}</p>" for p in BODY]
    paragraphs.insert(2, inline)
    return ("<html lang='id'><head><title>Timnas menang</title></head><body><article>"
            "<h1>Timnas menang</h1>" + "".join(paragraphs) + "</article></body></html>")


def test_read_also_paragraph_is_dropped_and_the_story_kept() -> None:
    inline = ('<p class="also"><strong>Baca juga:</strong> <a href="/x/china-dan-rusia">'
              "China dan Rusia sepakat memperdalam kemitraan strategis</a></p>")
    art = extract(_page(inline), "https://berita.test/olahraga/timnas-menang/")
    assert "Rusia" not in art.text
    assert art.text.startswith(BODY[0])
    assert all(p in art.text for p in BODY)


def test_a_paragraph_with_a_link_in_its_prose_is_kept() -> None:
    inline = ("<p>Menurut <a href='/profil/federasi'>federasi sepak bola</a>, penjualan tiket "
              "untuk laga berikutnya akan dibuka pekan depan melalui aplikasi resmi dan loket "
              "stadion, dengan harga yang sama seperti pertandingan sebelumnya.</p>")
    art = extract(_page(inline), "https://berita.test/olahraga/timnas-menang/")
    assert "penjualan tiket" in art.text


def test_a_sentence_whose_first_clause_is_a_link_is_kept() -> None:
    inline = ('<p><a href="/x/earlier">The minister arrived in the capital on Saturday '
              "afternoon,</a> a day after the vote in parliament.</p>")
    art = extract(_page(inline), "https://berita.test/olahraga/timnas-menang/")
    assert "The minister arrived in the capital" in art.text


def test_a_linked_lead_in_to_a_quote_is_kept() -> None:
    inline = '<p>From <a href="https://other.test/">the Daily Example</a>:</p>'
    art = extract(_page(inline), "https://berita.test/olahraga/timnas-menang/")
    assert "From the Daily Example:" in art.text


def test_author_box_newsletter_and_comment_prompts_are_not_text() -> None:
    furniture = (
        "<div class='author-bio'><p>Jane Roe is a reporter covering sport and local "
        "government for the paper since 2015.</p></div>"
        "<div class='item-newsletter'><p>Our weekly sport newsletter brings you every "
        "result and every transfer straight to your inbox.</p></div>"
        "<div class='show-comments'><h2>Join our commenting forum</h2><p>Join the "
        "conversation with other readers and see their replies.</p></div>"
        "<p hidden>You have successfully subscribed to this newsletter!</p>")
    page = _page("").replace("</article>", furniture + "</article>")
    art = extract(page, "https://berita.test/olahraga/timnas-menang/")
    assert all(p in art.text for p in BODY)
    for gone in ("Jane Roe", "newsletter", "commenting", "subscribed"):
        assert gone not in art.text


def test_a_container_named_like_furniture_keeps_a_whole_story() -> None:
    # A large block is the story's own container, whatever its class says.
    story = "".join(f"<p>{p} {p} {p} {p}</p>" for p in BODY)
    html = ("<html lang='id'><head><title>Timnas menang</title></head><body><article>"
            f"<h1>Timnas menang</h1><div class='post has-comments-section'>{story}</div>"
            "</article></body></html>")
    art = extract(html, "https://berita.test/olahraga/timnas-menang/")
    assert all(p in art.text for p in BODY)
