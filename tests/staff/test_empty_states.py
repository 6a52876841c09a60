"""Empty staff lists say what will appear there and what to do (issue 16, point 15)."""
from helpers import html_of, text_of


def test_empty_staff_lists_say_what_will_appear(as_staff, staff, make):
    client = as_staff(staff.lawyer)
    for url, said in (
            ("/kantoor/dossiers", "Er zijn nog geen dossiers voor u. Dossiers die u behandelt"),
            ("/kantoor/clienten", "Er zijn nog geen cliënten. De cliënten die u aanmaakt"),
            ("/kantoor/berichten", "Er zijn nog geen berichten van cliënten. Berichten die "
                                   "cliënten sturen")):
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(url, headers=headers)
            assert said in text_of(response), url
            assert 'class="empty-state"' in html_of(response)
    dossier = make.dossier(lawyer=staff.lawyer)
    assert "Er zijn nog geen berichten in dit dossier. Berichten tussen het kantoor" in \
        text_of(client.get(f"/kantoor/dossiers/{dossier.id}/berichten"))
    # A search without results is said plainly, not as an empty list.
    page = text_of(client.get("/kantoor/dossiers?q=bestaat-niet"))
    assert "Dossiers die u behandelt" not in page
