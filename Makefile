# SPDX-License-Identifier: GPL-2.0
#
# ipcchan top-level Makefile.
#
#   make                  module (against KDIR) and the tools and libipcchan
#                         for this machine (build/host/); needs only the
#                         kernel headers and libnl-genl-3-dev
#   make install          tools, libipcchan, headers, man pages, bash
#                         completion (DESTDIR, PREFIX=/usr/local, LIBDIR...;
#                         the tree is listed in Documentation/install.rst)
#   make uninstall        remove what make install put there
#   make modules_install  ipcchan.ko into /lib/modules/KVER/updates, depmod
#                         (INSTALL_MOD_PATH, KDIR or KVER)
#   make dkms-install     the module's source into /usr/src/ipcchan-VERSION
#                         for dkms (DESTDIR)
#   make selftests        static kselftests for the VM (needs the
#                         linux-source-6.12 tarball for the harness)
#   make check            everything CI runs: deps, build, lint, host tests,
#                         the VM suite on stock 6.12, stock 6.1 and the
#                         debug kernel
#   make demo             the tour: boot a VM, load the module, show it work
#   make shell            interactive shell in the VM, module loaded
#   make lint             checkpatch --strict, kernel-doc, sparse, W=1 on
#                         6.1 and 6.12, the YNL uapi header against the spec
#   make ynl-uapi         regenerate uapi/linux/ipcchan_netlink.h from
#                         Documentation/netlink/specs/ipcchan.yaml
#   make host-test        host unit tests (ASan + UBSan, no VM)
#   make bench            ipcbench suite in the VM (~10 min under TCG), results
#                         and plots in bench-results/<date>/
#   make bench-profile    perf profile of what ipcbench measured, in the VM
#                         (~3 min; PROFILE_ARGS overrides the default run:
#                         epoll, pipe and mailbox, N = 1 and 1000)
#   make props-doc        regenerate Documentation/generated/props-*.rst:
#                         ipcbench --props in the VM on 6.12 and 6.1
#   make study            the buffering study in the VM (~5 min under TCG):
#                         ipcbench --props and --timeline, plots
#                         and one page in bench-results/<date>/study/
#   make trace-ab         cost of the tracepoints while off: A/B of the
#                         module with and without them in one VM boot
#                         (~3 min under TCG; Documentation/tracing.rst)
#   make lab-test         every exercise of ipcchan-lab against the measured
#                         values, in the VM on the stock kernel (~1 min)
#   make vm-test          kselftests in the VM, stock kernel
#   make vm61-test        kselftests in the VM, stock Debian 6.1 kernel
#   make debug-test       kselftests in the VM, debug kernel
#   make ynl-test         the kernel's YNL CLI against the module, in the VM
#   make deps             install dependencies (root)
#   make stress           conservation stress, 10^6 messages over mailboxes
#                         and 10^6 records over rings, debug kernel
#   make fuzz             ipcchan-fuzz, 10^6 operations, debug kernel
#   make faultinject      the suite under failslab/fail_page_alloc, swept

KVER	?= $(shell uname -r)
KDIR	?= /lib/modules/$(KVER)/build
BUILD	:= $(CURDIR)/build
VERSION	:= $(shell cat VERSION)
export BUILD

all: module tools

module:
	$(MAKE) -C kmod KDIR=$(KDIR)

tools:
	$(MAKE) -C tools

# The static build the busybox VM runs: build/bin, build/lib.
tools-static:
	$(MAKE) -C tools STATIC=1

ksrc:
	@bash -c '. scripts/lib.sh && ksrc_extract >/dev/null'

selftests: ksrc tools-static
	$(MAKE) -C selftests

install uninstall:
	$(MAKE) -C tools $@

modules_install:
	$(MAKE) -C kmod KDIR=$(KDIR) modules_install

# The DKMS source tree: what dkms.conf builds, nothing else.
DKMS_SRC := $(DESTDIR)/usr/src/ipcchan-$(VERSION)
DKMS_FILES := $(filter-out %.mod.c,$(wildcard kmod/*.[ch])) kmod/Kbuild kmod/Makefile
UAPI_HDRS := uapi/linux/ipcchan.h uapi/linux/ipcchan_netlink.h
dkms-install:
	install -d $(DKMS_SRC)/kmod $(DKMS_SRC)/uapi/linux
	install -m 0644 $(DKMS_FILES) $(DKMS_SRC)/kmod/
	install -m 0644 $(UAPI_HDRS) $(DKMS_SRC)/uapi/linux/
	install -m 0644 VERSION $(DKMS_SRC)/
	sed 's/#MODULE_VERSION#/$(VERSION)/' dkms.conf >$(DKMS_SRC)/dkms.conf

# Everything the VM's /opt/ipcchan/bin holds.
guest-bins: tools-static selftests
	install -m 0755 scripts/tour.sh $(BUILD)/bin/ipcchan-tour
	install -m 0755 scripts/faultinject.sh $(BUILD)/bin/ipcchan-faultinject
	install -m 0755 tools/lab/lab-check.sh $(BUILD)/bin/ipcchan-lab-check

host-test: ksrc
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

# The netlink part of the uapi header is generated from the YNL spec;
# make lint checks that the committed one is what the spec gives.
ynl-uapi: ksrc
	scripts/ynl-uapi.sh

lab-test:
	scripts/vm.sh --kernel stock -- ipcchan-lab-check

check:
	scripts/check.sh

# make check's install layer on its own (scripts/install-test.sh).
install-test:
	scripts/install-test.sh

bench:
	scripts/bench.sh

# The epoll profile of Documentation/benchmarks.rst ("Profiling what was
# measured"); any scripts/bench-profile.sh arguments in PROFILE_ARGS.
PROFILE_ARGS ?= --compare mbox-rw:epoll:1 mbox-rw:epoll:1000 \
	--compare pipe:epoll:1000 mbox-rw:epoll:1000 \
	-- --epoll -m pipe,mbox-rw -n 1,1000 -r 2 -t 2 -w 0.2
bench-profile:
	scripts/bench-profile.sh $(PROFILE_ARGS)

props-doc:
	scripts/props-doc.sh

study:
	scripts/study.sh

trace-ab:
	scripts/trace-ab.sh

# Long runs of the reliability tests (issue 7); short ones are in `check`.
STRESS_MSGS ?= 1000000
FUZZ_OPS ?= 1000000
FUZZ_SEED ?= 1
stress:
	scripts/vm.sh --kernel debug --timeout 10800 -- \
		env IPCCHAN_STRESS_MSGS=$(STRESS_MSGS) \
		IPCCHAN_STRESS_RECORDS=$(STRESS_MSGS) IPCCHAN_TEST_TIMEOUT=0 \
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

.PHONY: all module tools tools-static ksrc selftests install uninstall modules_install \
	dkms-install guest-bins host-test lint vm-test vm61-test debug-test ynl-test ynl-uapi lab-test check \
	install-test bench bench-profile props-doc study trace-ab stress fuzz faultinject demo shell deps clean
