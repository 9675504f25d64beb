#!/usr/bin/env bash
# Install a pinned Terraform release for the IaC pipeline: Microsoft's ubuntu-24.04 agents have
# no Terraform. The download is checked against the release's SHA-256 before it is unpacked.
#   bash environment_setup/install_terraform.sh <version> <sha256 of the linux_amd64 zip> <folder>
# The folder is put on PATH for the job's next steps.
set -euo pipefail

if [ "$#" -ne 3 ]; then
    echo "usage: install_terraform.sh <version> <sha256> <folder>" >&2
    exit 2
fi
version="$1"
sha256="$2"
folder="$3"
url="https://releases.hashicorp.com/terraform/${version}/terraform_${version}_linux_amd64.zip"

download="$(mktemp -d)"
trap 'rm -rf "$download"' EXIT
curl --fail --silent --show-error --location --retry 3 --output "$download/terraform.zip" "$url"
if ! echo "$sha256  $download/terraform.zip" | sha256sum --check --status -; then
    echo "ERROR: $url does not have the SHA-256 $sha256; nothing installed" >&2
    exit 1
fi
mkdir -p "$folder"
unzip -o -q "$download/terraform.zip" terraform -d "$folder"
"$folder/terraform" version
echo "##vso[task.prependpath]$folder"
