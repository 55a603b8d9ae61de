#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# demo.sh (make demo): install what is missing, boot the VM on the stock
# 6.12 kernel with the module loaded, run the tour (scripts/tour.sh), and
# unload the module.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

"$TOP/scripts/deps.sh"
exec "$TOP/scripts/vm.sh" --kernel stock --timeout 900 \
	--log "$BUILD/demo.serial" -- ipcchan-tour
