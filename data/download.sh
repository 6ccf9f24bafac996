#!/usr/bin/env bash
# Download the full official CIFAR-10 / CIFAR-100 binary datasets into DEST (default ./data),
# in the layout ZeroNAS Lab reads (see data/README.md). Needs a network; never run by the project.
set -euo pipefail
DEST="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$DEST/cifar10" "$DEST/cifar100"
curl -fL https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz -o "$TMP/c10.tgz"
tar -xzf "$TMP/c10.tgz" -C "$TMP"
cp "$TMP"/cifar-10-batches-bin/data_batch_{1,2,3,4,5}.bin "$TMP"/cifar-10-batches-bin/test_batch.bin "$DEST/cifar10/"
curl -fL https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz -o "$TMP/c100.tgz"
tar -xzf "$TMP/c100.tgz" -C "$TMP"
cp "$TMP"/cifar-100-binary/train.bin "$TMP"/cifar-100-binary/test.bin "$DEST/cifar100/"
echo "CIFAR-10 and CIFAR-100 written under $DEST"
