from ml_service.util.package_model import image_location_command, main

import pytest


def test_image_location_becomes_a_step_output_variable():
    assert image_location_command("team1amlcr.azurecr.io/package:abc") == (
        "##vso[task.setvariable variable=IMAGE_LOCATION;isOutput=true]"
        "team1amlcr.azurecr.io/package:abc")


def test_model_version_must_be_a_number(capsys):
    with pytest.raises(SystemExit):
        main(["--model_version", "latest"])
    assert "invalid int value: 'latest'" in capsys.readouterr().err
