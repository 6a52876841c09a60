from helpers import login


def test_login_page_renders_in_dutch(client):
    response = client.get("/inloggen")
    assert response.status_code == 200
    assert "Welkom op het klantenportaal van Kantoor Test" in response.get_data(as_text=True)


def test_client_logs_in_and_sees_home(client, make):
    user = make.user(email="jan@example.nl")
    make.dossier(clients=[user])
    response = login(client, "jan@example.nl")
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "Dossiers" in page and "Acties" in page and "Mijn gegevens" in page
