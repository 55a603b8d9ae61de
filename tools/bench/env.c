// SPDX-License-Identifier: GPL-2.0
/*
 * The environment a result belongs to: kernel, CPU, virtualisation and
 * the topology of the two CPUs used. Emulation (QEMU TCG) is detected from
 * the CPUID hypervisor leaf, whose vendor string TCG sets to
 * "TCGTCGTCGTCG", with the DMI vendor and /proc/cpuinfo's "hypervisor"
 * flag as supporting evidence.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "bench.h"
#include "output.h"

/*
 * Not "WARNING:": scripts/vm.sh reads that word in the serial log as a
 * kernel report.
 */
const char tcg_warning[] =
	"CAUTION, running under QEMU TCG (software emulation). Trust only\n"
	"  comparisons with both processes on the same CPU at 64 B..4 KiB: they\n"
	"  rank mechanisms about as bare metal does. Cross-CPU blocking latency\n"
	"  is quantised to the guest tick and is not meaningful; busy-polling\n"
	"  and copies of 64 KiB or more are distorted. Absolute times are\n"
	"  roughly 12-22x those of the same host run natively.\n";

static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = 0;
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = 0;
	fclose(f);
}

/*
 * The first line of @path (a /proc file) that @fmt, with one conversion,
 * reads into @val. Returns 0, or -1 with @val untouched if none does.
 */
int proc_scan(const char *path, const char *fmt, void *val)
{
	char line[128];
	FILE *f = fopen(path, "r");
	int ret = -1;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, fmt, val) == 1) {
			ret = 0;
			break;
		}
	if (f)
		fclose(f);
	return ret;
}

/*
 * The first two CPUs this process may run on, -1 for none; returns how
 * many there are (0 to 2).
 */
int bench_default_cpus(int cpu[2])
{
	cpu_set_t set;
	int i, n = 0;

	cpu[0] = cpu[1] = -1;
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return 0;
	for (i = 0; i < CPU_SETSIZE && n < 2; i++)
		if (CPU_ISSET(i, &set))
			cpu[n++] = i;
	return n;
}

static void cpuinfo(struct bench_env *e)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[4096], *v;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		v = strchr(line, ':');
		if (!v)
			continue;
		v += 2;
		v[strcspn(v, "\n")] = 0;
		if (!e->cpu_model[0] && !strncmp(line, "model name", 10))
			snprintf(e->cpu_model, sizeof(e->cpu_model), "%s", v);
		if (!strncmp(line, "flags", 5) && strstr(v, " hypervisor"))
			e->hypervisor = true;
	}
	fclose(f);
}

static void hv_vendor(struct bench_env *e)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned int a, b, c, d;

	__cpuid(1, a, b, c, d);
	if (!(c & (1u << 31)))	/* the hypervisor-present bit */
		return;
	e->hypervisor = true;
	__cpuid(0x40000000, a, b, c, d);
	memcpy(e->hv_vendor, &b, 4);
	memcpy(e->hv_vendor + 4, &c, 4);
	memcpy(e->hv_vendor + 8, &d, 4);
	e->hv_vendor[12] = 0;
#endif
}

static void topo(int cpu, char *buf, size_t len)
{
	char path[128], pkg[16], core[16], sib[32], l3[32];

	if (cpu < 0) {
		snprintf(buf, len, "unpinned");
		return;
	}
#define TOPO(file, var) \
	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/" file, cpu); \
	read_line(path, var, sizeof(var))
	TOPO("topology/physical_package_id", pkg);
	TOPO("topology/core_id", core);
	TOPO("topology/thread_siblings_list", sib);
	TOPO("cache/index3/shared_cpu_list", l3);
#undef TOPO
	snprintf(buf, len, "cpu%d: package %s, core %s, SMT siblings %s, L3 shared with %s",
		 cpu, pkg[0] ? pkg : "?", core[0] ? core : "?", sib[0] ? sib : "?",
		 l3[0] ? l3 : "?");
}

void env_probe(struct bench_env *e, const int cpu[2])
{
	struct utsname u;
	uint64_t t0;
	int i;

	memset(e, 0, sizeof(*e));
	if (!uname(&u))
		snprintf(e->kernel, sizeof(e->kernel), "%s %s %s %s", u.sysname,
			 u.release, u.version, u.machine);
	cpuinfo(e);
	hv_vendor(e);
	read_line("/sys/class/dmi/id/sys_vendor", e->dmi, sizeof(e->dmi));
	if (e->dmi[0]) {
		size_t l = strlen(e->dmi);

		snprintf(e->dmi + l, sizeof(e->dmi) - l, " / ");
		read_line("/sys/class/dmi/id/product_name", e->dmi + l + 3,
			  sizeof(e->dmi) - l - 3);
	}
	read_line("/sys/devices/system/clocksource/clocksource0/current_clocksource",
		  e->clocksource, sizeof(e->clocksource));
	e->tcg = !strcmp(e->hv_vendor, "TCGTCGTCGTCG");
	e->ncpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	for (i = 0; i < 2; i++)
		topo(cpu[i], e->topo[i], sizeof(e->topo[i]));
	t0 = now_ns();
	for (i = 0; i < 1000; i++)
		now_ns();
	e->clock_ns = (double)(now_ns() - t0) / 1000.0;
}

static const char *virt(const struct bench_env *e)
{
	if (e->tcg)
		return "QEMU TCG (software emulation)";
	if (!strncmp(e->hv_vendor, "KVMKVMKVM", 9))
		return "KVM guest";
	if (e->hypervisor)
		return "hypervisor guest";
	return "none detected (bare metal)";
}

void env_print(FILE *f, const struct bench_env *e)
{
	fprintf(f, "kernel:         %s\n", e->kernel);
	fprintf(f, "cpu:            %s, %d online\n", e->cpu_model[0] ? e->cpu_model : "?", e->ncpus);
	fprintf(f, "virtualisation: %s%s%s%s%s\n", virt(e),
		e->hv_vendor[0] ? ", cpuid \"" : "", e->hv_vendor,
		e->hv_vendor[0] ? "\"" : "", "");
	if (e->dmi[0])
		fprintf(f, "dmi:            %s\n", e->dmi);
	fprintf(f, "clocksource:    %s, clock_gettime %.0f ns\n",
		e->clocksource[0] ? e->clocksource : "?", e->clock_ns);
	fprintf(f, "topology:       parent %s\n                child  %s\n",
		e->topo[0], e->topo[1]);
	if (!strcmp(e->clocksource, "hpet"))
		fprintf(f, "CAUTION, clocksource is hpet: every timestamp costs ~1 us under "
			"emulation; boot with clocksource=tsc tsc=reliable\n");
	if (e->tcg)
		fputs(tcg_warning, f);
}

void env_json(FILE *f, const struct bench_env *e)
{
	fputs("{\"kernel\":", f);
	json_print_string(f, e->kernel);
	fputs(",\"cpu\":", f);
	json_print_string(f, e->cpu_model);
	fprintf(f, ",\"ncpus\":%d,\"virtualisation\":", e->ncpus);
	json_print_string(f, virt(e));
	fputs(",\"hypervisor_vendor\":", f);
	json_print_string(f, e->hv_vendor);
	fputs(",\"dmi\":", f);
	json_print_string(f, e->dmi);
	fprintf(f, ",\"tcg\":%s,\"clocksource\":", e->tcg ? "true" : "false");
	json_print_string(f, e->clocksource);
	fprintf(f, ",\"clock_gettime_ns\":%.1f,\"topology\":[", e->clock_ns);
	json_print_string(f, e->topo[0]);
	fputc(',', f);
	json_print_string(f, e->topo[1]);
	fputs("]}", f);
}
