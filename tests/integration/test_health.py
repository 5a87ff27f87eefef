from shared.routing import HTTP_FUNCTIONS


def test_every_http_function_answers_health_through_the_gateway(api):
    for spec in HTTP_FUNCTIONS:
        for prefix in spec.prefixes:
            if "." in prefix or prefix.endswith("/docs"):
                continue
            response = api.get(f"{prefix}/health")
            assert response.status_code == 200, (prefix, response.get_data(as_text=True))
            body = response.get_json()
            assert body["function"] == spec.name
            assert body["checks"]["firestore"]["ok"] is True
            assert body["version"]


def test_unknown_path_is_a_json_404(api):
    response = api.get("/api/nowhere")
    assert response.status_code == 404
    assert response.get_json()["code"] == "ROUTE_NOT_FOUND"
