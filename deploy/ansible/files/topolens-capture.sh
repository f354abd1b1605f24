#!/bin/sh
# topolens-capture.sh — a topolens capture archive without Node, for hosts where the
# topolens CLI is not installed (deploy/ansible/capture.yml copies it over and runs it).
# A verbatim copy of fixtures/lab/guest/capture.sh, the reference implementation the
# QEMU lab fixtures were captured with; tests/slow/ansible-capture.test.ts checks the two stay the same
# and that its archives load like `topolens capture`'s.
# capture.sh — topolens capture archive, reference implementation in plain busybox sh.
# Copies the sysfs/procfs files the topolens engine reads (symlinks kept as symlinks,
# relative targets as the kernel has them, regular files capped at 64 KiB) into
# WORK/NAME/, writes NAME/topolens-capture.json and packs WORK/NAME into OUT.
# It does not follow device nodes, does not dereference links, and reads nothing else.
#
# usage: capture.sh OUT.tar.gz [NAME] [SYSROOT]
#   NAME     top-level folder in the archive (default: hostname)
#   SYSROOT  where sys/ and proc/ live (default: /), for testing against a copied tree
set -u
OUT=${1:?usage: capture.sh OUT.tar.gz [NAME] [SYSROOT]}
NAME=${2:-$(hostname 2>/dev/null || echo capture)}
SRC=${3:-}
SRC=${SRC%/}
WORK=$(mktemp -d /tmp/topolens-capture.XXXXXX)
DST=$WORK/$NAME
MAXBYTES=65536
mkdir -p "$DST"

# copy_link PATH: recreate a symlink with its own (relative) target.
copy_link() {
	[ -L "$SRC$1" ] || return 1
	[ -L "$DST$1" ] && return 0
	mkdir -p "$DST${1%/*}"
	ln -s "$(readlink "$SRC$1")" "$DST$1" 2>/dev/null
	return 0
}
# copy_file PATH: copy a readable regular file, at most 64 KiB; skip what cannot be read.
copy_file() {
	[ -L "$SRC$1" ] && return 1
	[ -f "$SRC$1" ] || return 1
	[ -e "$DST$1" ] && return 0
	mkdir -p "$DST${1%/*}"
	if head -c $MAXBYTES "$SRC$1" > "$DST$1.part" 2>/dev/null; then
		mv "$DST$1.part" "$DST$1"
	else
		rm -f "$DST$1.part"
	fi
	return 0
}
# copy PATH...: link as link, file as file, anything else ignored.
copy() {
	for p in "$@"; do
		case "$p" in *'*'*) continue ;; esac # unmatched glob
		copy_link "$p" || copy_file "$p"
	done
}
# real PATH: the canonical path of a sysfs link, relative to SYSROOT.
real() {
	r=$(readlink -f "$SRC$1") || return 1
	echo "${r#$SRC}"
}
mkdir_real() { mkdir -p "$DST$1"; }

# --- class devices: the link, the real dir, the attributes the engine reads ---
copy_class_dev() { # $1 = /sys/class/<cls>/<name>
	copy "$1"
	d=$(real "$1") || return
	mkdir_real "$d"
	copy "$d/device" "$d/parent" "$d/dev" "$d/address" "$d/operstate" "$d/type" \
	     "$d/ifindex" "$d/mtu" "$d/dev_port" "$d/size" "$d/ro" "$d/removable" \
	     "$d/node_type" "$d/node_guid" "$d/sys_image_guid" "$d/fw_ver" "$d/hca_type" \
	     "$d/model" "$d/serial" "$d/firmware_rev" "$d/transport" "$d/subsysnqn" \
	     "$d/cntlid" "$d/numa_node" "$d/target_node" "$d/align" "$d/state"
	for ns in "$SRC$d"/nvme*n* "$SRC$d"/nvme*c*n*; do
		[ -d "$ns" ] || continue
		ns=${ns#$SRC}
		mkdir_real "$ns"
		copy "$ns/size" "$ns/dev" "$ns/nsid" "$ns/wwid"
	done
	for port in "$SRC$d"/ports/*; do
		[ -d "$port" ] || continue
		port=${port#$SRC}
		copy "$port/state" "$port/phys_state" "$port/link_layer" "$port/rate" \
		     "$port/lid" "$port/gid_attrs/ndevs/0" "$port/gids/0"
	done
}
for cls in net infiniband nvme block drm dax dma nvme-subsystem; do
	for l in "$SRC/sys/class/$cls"/*; do
		[ -L "$l" ] || continue
		copy_class_dev "${l#$SRC}"
	done
done

# --- PCI functions ---
PCI_ATTRS="vendor device class subsystem_vendor subsystem_device revision numa_node
 local_cpulist local_cpus driver driver_override iommu_group current_link_speed
 current_link_width max_link_speed max_link_width sriov_totalvfs sriov_numvfs
 sriov_offset sriov_stride sriov_vf_device sriov_drivers_autoprobe physfn config label
 index acpi_index secondary_bus_number subordinate_bus_number enable"
for l in "$SRC"/sys/bus/pci/devices/*; do
	[ -L "$l" ] || continue
	l=${l#$SRC}
	copy "$l"
	d=$(real "$l") || continue
	mkdir_real "$d"
	for a in $PCI_ATTRS; do copy "$d/$a"; done
	for v in "$SRC$d"/virtfn*; do [ -L "$v" ] && copy "${v#$SRC}"; done
	for c in net nvme block infiniband drm dma; do
		for x in "$SRC$d/$c"/*; do
			[ -d "$x" ] || continue
			x=${x#$SRC}
			mkdir_real "$x"
			copy "$x/address" "$x/operstate" "$x/type" "$x/size" "$x/dev" "$x/device"
		done
	done
	for x in "$SRC$d"/dax*; do [ -d "$x" ] && mkdir_real "${x#$SRC}"; done
done
for s in "$SRC"/sys/bus/pci/slots/*; do
	[ -d "$s" ] && copy "${s#$SRC}/address"
done

# --- NUMA nodes and CPUs ---
N=/sys/devices/system/node
copy $N/online $N/possible $N/has_cpu $N/has_memory $N/has_normal_memory
for n in "$SRC"$N/node[0-9]*; do
	[ -d "$n" ] || continue
	n=${n#$SRC}
	copy "$n/cpulist" "$n/cpumap" "$n/meminfo" "$n/distance"
done
C=/sys/devices/system/cpu
copy $C/online $C/present $C/possible $C/offline $C/isolated
for c in "$SRC"$C/cpu[0-9]*; do
	[ -d "$c" ] || continue
	c=${c#$SRC}
	mkdir_real "$c"
	for a in physical_package_id core_id cluster_id die_id thread_siblings_list \
	         core_siblings_list cluster_cpus_list die_cpus_list package_cpus_list; do
		copy "$c/topology/$a"
	done
	copy "$c/regs/identification/midr_el1" "$c/regs/identification/revidr_el1"
	for n in "$SRC$c"/node[0-9]*; do [ -L "$n" ] && copy "${n#$SRC}"; done
done

# --- CXL and DAX buses ---
for l in "$SRC"/sys/bus/cxl/devices/*; do
	[ -L "$l" ] || continue
	l=${l#$SRC}
	copy "$l"
	d=$(real "$l") || continue
	mkdir_real "$d"
	for f in "$SRC$d"/*; do
		if [ -L "$f" ]; then
			# uport (an endpoint's memdev), dportN and parent_dport tie the CXL tree together.
			case "${f##*/}" in uport|dport*|parent_dport) copy "${f#$SRC}" ;; esac
			continue
		fi
		[ -f "$f" ] && copy_file "${f#$SRC}"
	done
	copy "$d/driver" "$d/ram/size" "$d/pmem/size" "$d/ram/qos_class" "$d/pmem/qos_class"
done
for l in "$SRC"/sys/bus/dax/devices/*; do
	[ -L "$l" ] || continue
	l=${l#$SRC}
	copy "$l"
	d=$(real "$l") || continue
	mkdir_real "$d"
	copy "$d/target_node" "$d/size" "$d/numa_node" "$d/align" "$d/resource" "$d/driver" "$d/modalias"
done
for l in "$SRC"/sys/bus/nd/devices/*; do
	[ -L "$l" ] || continue
	l=${l#$SRC}
	copy "$l"
	d=$(real "$l") || continue
	mkdir_real "$d"
	copy "$d/driver" "$d/size" "$d/numa_node" "$d/target_node" "$d/mode" "$d/devtype" "$d/nstype"
	# A CXL-backed nvdimm names its cxl_nvdimm (pmemN below a memdev) in cxl/provider.
	[ -d "$SRC$d/cxl" ] && for f in "$SRC$d"/cxl/*; do [ -f "$f" ] && copy_file "${f#$SRC}"; done
	# An nd region's mappingN ("nmem0,offset,length,pos") names the nvdimms behind it.
	for f in "$SRC$d"/mapping[0-9]*; do [ -f "$f" ] && copy_file "${f#$SRC}"; done
done

# --- DMI ---
copy /sys/class/dmi/id
if [ -d "$SRC/sys/class/dmi/id" ]; then
	d=$(real /sys/class/dmi/id)
	for a in sys_vendor product_name board_vendor board_name bios_vendor bios_version; do
		copy "$d/$a"
	done
fi

# --- procfs (size 0 in stat, so read with head) ---
for p in /proc/cpuinfo /proc/meminfo /proc/version /proc/sys/kernel/hostname /proc/sys/kernel/osrelease; do
	[ -r "$SRC$p" ] || continue
	mkdir -p "$DST${p%/*}"
	head -c 1048576 "$SRC$p" > "$DST$p" 2>/dev/null || rm -f "$DST$p"
done

# --- manifest ---
json_str() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g' | tr -d '\000-\037')"; }
HOSTNAME_=$(cat "$SRC/proc/sys/kernel/hostname" 2>/dev/null || hostname)
MACHINE=$(uname -m)
RELEASE=$(cat "$SRC/proc/sys/kernel/osrelease" 2>/dev/null || uname -r)
{
	printf '{"format":"topolens-capture","version":1,"hostname":%s,' "$(json_str "$HOSTNAME_")"
	printf '"uname":{"machine":%s,"release":%s},' "$(json_str "$MACHINE")" "$(json_str "$RELEASE")"
	printf '"capturedAt":%s,"tool":"fixtures/lab/guest/capture.sh"}\n' "$(json_str "$(date -u +%Y-%m-%dT%H:%M:%SZ)")"
} > "$DST/topolens-capture.json"

( cd "$WORK" && tar -czf "$OUT" "$NAME" ) || exit 1
rm -rf "$WORK"
echo "capture: wrote $OUT"
