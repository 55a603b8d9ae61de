# SPDX-License-Identifier: GPL-2.0
#
# ipcchan top-level Makefile.
#
#   make                  module (against KDIR), CLI and selftests
#   make check            everything CI runs: deps, build, lint, host tests,
#                         the VM suite on stock 6.12, stock 6.1 and the
#                         debug kernel
#   make demo             the tour: boot a VM, load the module, show it work
#   make shell            interactive shell in the VM, module loaded
#   make lint             checkpatch --strict, sparse, W=1 on 6.1 and 6.12
#   make host-test        host unit tests (ASan + UBSan, no VM)
#   make bench            ipcbench suite in the VM (~10 min under TCG), results
#                         and plots in bench-results/<date>/
#   make props-doc        regenerate Documentation/generated/props-*.rst:
#                         ipcbench --props in the VM on 6.12 and 6.1
#   make study            the buffering study in the VM (~5 min under TCG):
#                         ipcbench --props and --timeline, plots
#                         and one page in bench-results/<date>/study/
#   make vm-test          kselftests in the VM, stock kernel
#   make vm61-test        kselftests in the VM, stock Debian 6.1 kernel
#   make debug-test       kselftests in the VM, debug kernel
#   make ynl-test         the kernel's YNL CLI against the module, in the VM
#   make deps             install dependencies (root)
#   make stress           conservation stress, 10^6 messages over mailboxes
#                         and 10^6 records over rings, debug kernel
#   make fuzz             ipcchan-fuzz, 10^6 operations, debug kernel
#   make faultinject      the suite under failslab/fail_page_alloc, swept

KDIR	?= /lib/modules/$(shell uname -r)/build
BUILD	:= $(CURDIR)/build
export BUILD

all: module tools selftests

module:
	$(MAKE) -C kmod KDIR=$(KDIR)

tools:
	$(MAKE) -C tools

ksrc:
	@bash -c '. scripts/lib.sh && ksrc_extract >/dev/null'

selftests: ksrc tools
	$(MAKE) -C selftests

# Everything the VM's /opt/ipcchan/bin holds.
guest-bins: tools selftests
	install -m 0755 scripts/tour.sh $(BUILD)/bin/ipcchan-tour
	install -m 0755 scripts/faultinject.sh $(BUILD)/bin/ipcchan-faultinject

host-test:
	$(MAKE) -C tools host-test

lint: ksrc
	scripts/lint.sh

vm-test:
	scripts/vm.sh --kernel stock

vm61-test:
	scripts/vm.sh --kernel stock61

debug-test:
	scripts/vm.sh --kernel debug

ynl-test: ksrc
	scripts/vm.sh --host -- scripts/ynl-test.sh

check:
	scripts/check.sh

bench:
	scripts/bench.sh

props-doc:
	scripts/props-doc.sh

study:
	scripts/study.sh

# Long runs of the reliability tests (issue 7); short ones are in `check`.
STRESS_MSGS ?= 1000000
FUZZ_OPS ?= 1000000
FUZZ_SEED ?= 1
stress:
	scripts/vm.sh --kernel debug --timeout 10800 -- \
		env IPCCHAN_STRESS_MSGS=$(STRESS_MSGS) \
		IPCCHAN_STRESS_RECORDS=$(STRESS_MSGS) \
		run-selftests stress_test ring_stress_test

faultinject:
	scripts/faultinject.sh

fuzz:
	scripts/vm.sh --kernel debug --timeout 7200 -- \
		ipcchan-fuzz --seed $(FUZZ_SEED) --ops $(FUZZ_OPS)

demo:
	scripts/demo.sh

shell:
	scripts/vm.sh --interactive --host

deps:
	scripts/deps.sh

clean:
	-$(MAKE) -C kmod KDIR=$(KDIR) clean
	rm -rf $(BUILD)

.PHONY: all module tools ksrc selftests guest-bins host-test lint vm-test vm61-test \
	debug-test ynl-test check bench props-doc study stress fuzz faultinject demo shell deps clean
