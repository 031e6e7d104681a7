#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# tests/vm/run.sh [--prepare|--kernel-release|--vmlinux|--help] CMD [ARG...]
#
# Runs CMD as root inside a throw-away VM booted on a pinned Debian kernel
# (6.1 by default; SKBT_VM_KERNEL=5.10, 6.12 or 6.18 for the others of
# the matrix), so that code paths this host's kernel lacks (kprobes,
# kretprobes, fentry, kprobe-multi) and older and newer kernels get
# exercised by `make check`.
#
#   - qemu-system-x86_64 with TCG (no KVM needed), 2 vCPUs, 1 GiB.
#   - The kernel is Debian's own linux-image-$SKBT_VM_KABI package (BTF,
#     kprobes, fentry, BPF JIT), fetched once with `apt-get download` into
#     $SKBT_VM_CACHE (from its suite, bullseye, bookworm, trixie with
#     their security updates, or trixie-backports, through private apt
#     lists in the cache),
#     SHA-256 checked, and booted as an uncompressed vmlinux through PVH
#     (decompressing the bzImage under TCG would cost seconds per boot).
#   - The guest's / is the host's / over 9p, read-only, under a tmpfs
#     overlay: the freshly built tree ($TOP, $BUILD, even under /tmp), the
#     host's tcpdump, bpftool, iproute2 all run unchanged.  Writes land in
#     the overlay and vanish at power-off, except in the current directory
#     and $SKBT_VM_RWDIRS, which are shared read-write at the same paths.
#   - CMD runs in the current directory under bash, stdin /dev/null; its
#     stdout/stderr stream back to ours.
#
# Exit status: CMD's status, or
#    77  the VM cannot be had here (no qemu, no busybox, kernel package not
#        fetchable): one line "vm: SKIP: <reason>" on stderr.  Callers that
#        must tell this apart from CMD's own 77 use --prepare first.
#   124  timed out ($SKBT_VM_TIMEOUT seconds)
#   125  the VM failed (did not boot, did not report CMD's status)
#
#   --prepare         fetch/extract the kernel and build the initramfs into
#                     the cache; exit 0 when a VM can run, else 77 + reason.
#                     Quiet when everything is already there.
#   --kernel-release  print the guest's `uname -r` (after --prepare's work)
#   --vmlinux         print the path of the guest kernel's vmlinux (with BTF)
#
# Environment:
#   SKBT_VM_CACHE    cache folder (default /var/cache/skbtools-vm when
#                    writable, else ${XDG_CACHE_HOME:-~/.cache}/skbtools-vm)
#   SKBT_VM_KERNEL   5.10, 6.1 (default), 6.12 or 6.18: which pinned kernel
#   SKBT_VM_ARCHIVE  Debian archive URI for the other suites (default: the
#                    host's first apt source)
#   SKBT_VM_KABI     kernel ABI name (default below), SKBT_VM_KVER its
#                    exact Debian version; SKBT_VM_DEB a local .deb instead
#   SKBT_VM_MEM      guest RAM (1G)         SKBT_VM_SMP  vCPUs (2)
#   SKBT_VM_TIMEOUT  seconds (600)          SKBT_VM_RWDIRS more r/w shares
#   SKBT_VM_CONSOLE  =1: print the guest kernel console on stderr afterwards
#   SKBT_VM_TIMING   =1: print "vm: boot N.NN s, cmd N.NN s" on stderr
#   SKBT_VM_ENV      names of more variables to pass into the guest
# Passed into the guest: PATH TOP BUILD LC_ALL LANG TZ TERM, every exported
# SKB* variable except SKBT_VM_*, and those named in $SKBT_VM_ENV; the
# guest also gets SKBT_IN_VM=1.
set -euo pipefail

# The pinned kernels.  Debian's security archive keeps only the newest
# build of each package; when one disappears, --prepare says so and the VM
# tests of that kernel skip.  Bump the three of a kernel together (apt-cache
# show gives them; docs/kernels.md, "Moving a pin"):
#   apt-cache policy 'linux-image-6.1.0-*-amd64'
case ${SKBT_VM_KERNEL:-6.1} in
5.10)
	SUITE=bullseye
	KABI_DEFAULT=5.10.0-46-amd64
	KVER_DEFAULT=5.10.262-1
	KSHA256_DEFAULT=6d89bdf9a7c4458c64de7221edfb8e7b2c3279012636e4bb9d6bba4e6b7a67eb ;;
6.1)
	SUITE=bookworm
	KABI_DEFAULT=6.1.0-56-amd64
	KVER_DEFAULT=6.1.192-2
	KSHA256_DEFAULT=a86e2049672f52354c4536a089203b6c82639420424d31c91cf31a181fd4d8f1 ;;
6.12)
	SUITE=trixie
	KABI_DEFAULT=6.12.118+deb13-amd64
	KVER_DEFAULT=6.12.118-1
	KSHA256_DEFAULT=57dee9124ac6c57b75a8aed09052245942027dd46649d3d02285c35c11cfda98 ;;
6.18)
	# the 6.17+ verifier: skbrec reads the buffer in place.  Backports
	# has no security suite, and it too drops a build once a newer is in.
	SUITE=trixie-backports
	KABI_DEFAULT=6.18.15+deb13-amd64
	KVER_DEFAULT=6.18.15-1~bpo13+1
	KSHA256_DEFAULT=d38a7af6260782a47cd615ad717347a528b45f076245b4deabb3f1ecf8459186 ;;
*)
	echo "vm: SKBT_VM_KERNEL=$SKBT_VM_KERNEL: not one of 5.10 6.1 6.12 6.18" >&2
	exit 2 ;;
esac

KABI=${SKBT_VM_KABI:-$KABI_DEFAULT}
KVER=${SKBT_VM_KVER:-$KVER_DEFAULT}
KPKG=linux-image-$KABI
KSHA256=
[ "$KABI/$KVER" = "$KABI_DEFAULT/$KVER_DEFAULT" ] && KSHA256=$KSHA256_DEFAULT
if [ -n "${SKBT_VM_CACHE:-}" ]; then
	CACHE=$SKBT_VM_CACHE
elif mkdir -p /var/cache/skbtools-vm 2>/dev/null && [ -w /var/cache/skbtools-vm ]; then
	CACHE=/var/cache/skbtools-vm
else
	CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/skbtools-vm
fi
KROOT=$CACHE/${KPKG}_$KVER
MODDIR=$KROOT/lib/modules/$KABI

skip() { echo "vm: SKIP: $*" >&2; exit 77; }
fail() { echo "vm: $*" >&2; exit 125; }

# ---------------------------------------------------------------- prepare --

# fetch_kernel: the .deb unpacked into $KROOT, modules.dep made, vmlinux
# extracted.  Runs under the cache lock.
fetch_kernel() {
	local deb dl=$CACHE/dl off
	[ -e "$KROOT/.done" ] && return 0
	command -v dpkg-deb >/dev/null || skip "no dpkg-deb to unpack the kernel package"
	rm -rf "$KROOT" "$KROOT.tmp"
	if [ -n "${SKBT_VM_DEB:-}" ]; then
		deb=$SKBT_VM_DEB
		[ -r "$deb" ] || skip "SKBT_VM_DEB=$deb is not readable"
	else
		mkdir -p "$dl"
		chmod 755 "$dl"       # apt's sandbox user must be able to write
		rm -f "$dl"/*.deb
		command -v apt-get >/dev/null || skip "no apt-get to fetch $KPKG=$KVER"
		echo "vm: fetching $KPKG=$KVER into $CACHE" >&2
		# as root, apt would hand the download to its _apt user, which
		# may not be able to write into the cache
		local sandbox=() apto=()
		[ "$(id -u)" = 0 ] && sandbox=(-o APT::Sandbox::User=root)
		suite_lists apto
		(cd "$dl" && apt-get download -q "${sandbox[@]}" ${apto[@]+"${apto[@]}"} "$KPKG=$KVER" \
			>/dev/null 2>"$dl/apt.err") ||
			skip "kernel $KPKG=$KVER cannot be fetched ($(tail -n1 "$dl/apt.err"));" \
				"pin a version apt offers in tests/vm/run.sh, or set SKBT_VM_DEB"
		deb=$(ls "$dl"/*.deb)
		if [ -n "$KSHA256" ]; then
			echo "$KSHA256  $deb" | sha256sum -c --quiet >/dev/null 2>&1 ||
				fail "$deb: SHA-256 differs from the pinned one"
		fi
	fi
	mkdir -p "$KROOT.tmp"
	dpkg-deb -x "$deb" "$KROOT.tmp" || fail "$deb: cannot unpack"
	[ -z "${SKBT_VM_DEB:-}" ] && rm -f "$deb"
	# merged /usr (trixie on): the modules and /boot's files under usr/
	[ -d "$KROOT.tmp/lib/modules" ] || [ ! -d "$KROOT.tmp/usr/lib/modules" ] ||
		ln -s usr/lib "$KROOT.tmp/lib"
	[ -d "$KROOT.tmp/lib/modules/$KABI" ] || fail "$deb: has no lib/modules/$KABI"
	# xz-compressed modules (trixie on): busybox's modprobe wants plain .ko
	if find "$KROOT.tmp/lib/modules/" -name '*.ko.xz' -print -quit | grep -q .; then
		find "$KROOT.tmp/lib/modules/" -name '*.ko.xz' -print0 |
			xargs -0 -r -P "$(nproc)" -n 64 xz -d || fail "$deb: cannot unpack its modules"
	fi
	# modules.dep + modules.alias, for busybox modprobe in the initramfs
	# and for the guest kernel's request_module() (veth, ...).
	"$BUSYBOX" depmod -b "$KROOT.tmp" "$KABI" || fail "depmod failed"
	# Debian's bzImage holds an xz stream; the kernel is built with
	# CONFIG_PVH, so qemu can start the ELF vmlinux inside it directly.
	# (an xz stream up to 6.1, zstd from 6.12 on)
	local z=$KROOT.tmp/boot/vmlinuz-$KABI unz
	off=$(LC_ALL=C grep -abo $'\xfd7zXZ' "$z" | head -n1 | cut -d: -f1 || :)
	unz="xz -dc"
	if [ -z "$off" ]; then
		off=$(LC_ALL=C grep -abo $'\x28\xb5\x2f\xfd' "$z" | head -n1 | cut -d: -f1 || :)
		unz="zstd -dcq"
		command -v zstd >/dev/null || skip "no zstd to unpack vmlinuz-$KABI (scripts/deps-vm.sh installs it)"
	fi
	[ -n "$off" ] || fail "vmlinuz-$KABI: no xz or zstd stream found"
	# the decompressor stops at the end of its stream and complains about
	# the trailer
	tail -c +$((off + 1)) "$z" | $unz >"$KROOT.tmp/vmlinux" 2>/dev/null || true
	[ "$(head -c 4 "$KROOT.tmp/vmlinux" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] ||
		fail "vmlinuz-$KABI: the compressed stream is not an ELF vmlinux"
	rm -f "$KROOT.tmp/boot/vmlinuz-$KABI"
	touch "$KROOT.tmp/.done"
	mv "$KROOT.tmp" "$KROOT"
}

# suite_lists ARRAY: apt options (into the named array) that read the
# pinned kernel's suite and its security updates (a backports suite has
# none) from private lists in the cache, made once; none for the host's own
# suite.  Skips when the archive cannot be reached.
suite_lists() {
	local -n o=$1
	local host uri sec lists=$CACHE/apt-$SUITE
	host=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
	[ "$SUITE" = "$host" ] && return 0
	uri=${SKBT_VM_ARCHIVE:-$(awk '/^URIs:/ { print $2; exit } /^deb / { print $2; exit }' \
		/etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -n1)}
	uri=${uri:-http://deb.debian.org/debian}
	sec=${uri%/debian}/debian-security
	mkdir -p "$lists/lists/partial"
	{
		echo "deb $uri $SUITE main"
		case $SUITE in
		*-backports) ;;
		*) echo "deb $sec $SUITE-security main" ;;
		esac
	} >"$lists/sources.list"
	o=(-o "Dir::Etc::sourcelist=$lists/sources.list" -o Dir::Etc::sourceparts=-
	   -o "Dir::State::Lists=$lists/lists")
	if [ ! -e "$lists/.done" ]; then
		# apt-get update succeeds even when nothing could be fetched:
		# the lists it made say whether the archive answered
		apt-get "${o[@]}" update -q >/dev/null 2>"$lists/update.err" || :
		ls "$lists/lists/" | grep -q "_Packages" ||
			skip "the $SUITE archive cannot be reached ($(grep -m1 "^[WE]:" "$lists/update.err"))"
		touch "$lists/.done"
	fi
}

# Modules stage 1 needs to reach the host's root, dependencies first.
INITRD_MODS="virtio_pci virtio_console 9pnet_virtio 9p overlay"

# build_initrd: busybox + the modules above + our two init stages.  The
# file name carries a hash of this script, so editing it rebuilds.
build_initrd() {
	local d m f
	[ -e "$INITRD" ] && return 0
	# older ones stay a day: a VM of another checkout may be booting one
	find "$KROOT" -maxdepth 1 -name 'initrd-*.cpio.gz' -mtime +0 -delete
	d=$(mktemp -d)
	mkdir -p "$d"/{bin,dev,proc,sys,lower,rw,newroot} "$d/lib/modules/$KABI"
	cp "$BUSYBOX" "$d/bin/busybox"
	for m in $INITRD_MODS; do
		# the module's own path and those it depends on, from modules.dep
		for f in $(awk -v m="$m" '{ n = $1; sub(/:$/, "", n); b = n; sub(/.*\//, "", b)
			if (b == m ".ko") { $1 = n; print; exit } }' "$MODDIR/modules.dep"); do
			mkdir -p "$d/lib/modules/$KABI/$(dirname "$f")"
			cp "$MODDIR/$f" "$d/lib/modules/$KABI/$f"
		done
	done
	cp "$MODDIR"/modules.dep "$MODDIR"/modules.alias "$d/lib/modules/$KABI/"
	cp "$MODDIR"/modules.builtin "$d/lib/modules/$KABI/" 2>/dev/null || :
	stage1 >"$d/init"
	stage2 >"$d/stage2"
	chmod 755 "$d/init" "$d/stage2"
	(cd "$d" && find . | "$BUSYBOX" cpio -o -H newc 2>/dev/null | gzip -1) >"$INITRD.tmp"
	mv "$INITRD.tmp" "$INITRD"
	rm -rf "$d"
}

# Stage 1, PID 1 in the initramfs: host root over 9p (read-only) + tmpfs
# overlay, the per-run share at /run/skbt-vm, the read-write shares, then
# switch_root.  9p needs msize=512000 to be fast and multidevs=remap on the
# host side (the host's / spans several file systems).
stage1() {
	cat <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
die() { echo "vm stage1: \$*"; poweroff -f; }
# (built into some kernels: virtio_pci in 6.12)
for m in $INITRD_MODS; do
	grep -q "/\$m.ko\$" /lib/modules/$KABI/modules.builtin 2>/dev/null ||
		modprobe \$m || die "modprobe \$m"
done
o=trans=virtio,version=9p2000.L,msize=512000
mount -t 9p -o \$o,ro,cache=loose hostroot /lower || die "9p host root"
mount -t tmpfs -o mode=755 rw /rw && mkdir /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work root /newroot ||
	die "overlay"
# The host's /run (its netns files, sockets) means nothing here.
mount -t tmpfs -o mode=755 run /newroot/run
mkdir -p /newroot/run/skbt-vm
mount -t 9p -o \$o,cache=none vmrun /newroot/run/skbt-vm || die "9p per-run share"
i=0
while read -r p; do
	mkdir -p "/newroot\$p"
	mount -t 9p -o \$o,cache=mmap rw\$i "/newroot\$p" || die "9p share \$p"
	i=\$((i + 1))
done </newroot/run/skbt-vm/rwdirs
mkdir -p /newroot/lib/modules/$KABI
mount --bind "/lower$MODDIR" "/newroot/lib/modules/$KABI" || die "modules"
# bpftool feature and friends read the kernel's config from /boot
cp "/lower$KROOT/boot/config-$KABI" /newroot/boot/ 2>/dev/null
mkdir -p /newroot/run/skbt-vm-bin
cp /bin/busybox /stage2 /newroot/run/skbt-vm-bin/
ln -s busybox /newroot/run/skbt-vm-bin/modprobe
for f in dev proc sys; do mount --move /\$f /newroot/\$f; done
exec switch_root /newroot /run/skbt-vm-bin/busybox sh /run/skbt-vm-bin/stage2
EOF
}

# Stage 2, PID 1 on the host's userland: kernel file systems, lo, then CMD
# with its output on the virtio serial ports, its status on a third one.
stage2() {
	cat <<'EOF'
bb=/run/skbt-vm-bin/busybox
$bb mount -t tracefs tracefs /sys/kernel/tracing
$bb mount -t debugfs debugfs /sys/kernel/debug
$bb mount -t bpf bpf /sys/fs/bpf
$bb mount -t cgroup2 cgroup2 /sys/fs/cgroup
$bb mkdir -p /dev/pts /dev/shm /dev/virtio-ports
$bb mount -t devpts devpts /dev/pts
$bb mount -t tmpfs -o mode=1777 shm /dev/shm
$bb ln -sf /proc/self/fd /dev/fd
for p in /sys/class/virtio-ports/*; do
	$bb ln -sf "/dev/${p##*/}" "/dev/virtio-ports/$($bb cat "$p/name")"
done
# The host has no kmod: the kernel's module loader uses busybox's.
echo /run/skbt-vm-bin/modprobe >/proc/sys/kernel/modprobe
$bb ip link set lo up
$bb hostname skbt-vm
ulimit -l unlimited
echo "SKBT_VM_READY $($bb cut -d' ' -f1 /proc/uptime)" >/dev/ttyS0
/bin/bash -c '. /run/skbt-vm/env && exec /bin/bash /run/skbt-vm/cmd' </dev/null \
	>/dev/virtio-ports/out 2>/dev/virtio-ports/err
echo $? >/dev/virtio-ports/rc
echo "SKBT_VM_DONE $($bb cut -d' ' -f1 /proc/uptime)" >/dev/ttyS0
$bb sync
$bb poweroff -f
EOF
}

prepare() {
	command -v qemu-system-x86_64 >/dev/null ||
		skip "no qemu-system-x86_64 (scripts/deps-vm.sh installs qemu-system-x86)"
	# static: it runs alone in the initramfs
	BUSYBOX=/bin/busybox
	if [ ! -x "$BUSYBOX" ] || ldd "$BUSYBOX" >/dev/null 2>&1; then
		skip "no static busybox (scripts/deps-vm.sh installs busybox-static)"
	fi
	mkdir -p "$CACHE" 2>/dev/null || skip "cannot create the cache $CACHE"
	exec 9>>"$CACHE/.lock"
	flock 9
	fetch_kernel
	INITRD=$KROOT/initrd-$(sha256sum "${BASH_SOURCE[0]}" | cut -c1-12).cpio.gz
	build_initrd
	flock -u 9
	exec 9>&-
}

case ${1:-} in
--help | -h)
	sed -n '3,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"
	exit 0 ;;
--prepare)
	prepare
	exit 0 ;;
--kernel-release)
	prepare
	echo "$KABI"
	exit 0 ;;
--vmlinux)
	prepare
	echo "$KROOT/vmlinux"
	exit 0 ;;
--* | '')
	echo "usage: $0 [--prepare|--kernel-release|--vmlinux|--help] CMD [ARG...]" >&2
	exit 2 ;;
esac

# -------------------------------------------------------------------- run --
prepare

RUN=$(mktemp -d /tmp/skbt-vm.XXXXXX)
QPID='' CATOUT='' CATERR=''
cleanup() {
	local p
	for p in $QPID $CATOUT $CATERR; do kill "$p" 2>/dev/null || true; done
	rm -rf "$RUN"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Read-write shares: the current folder plus $SKBT_VM_RWDIRS, same paths.
rwargs=()
n=0
: >"$RUN/rwdirs"
CWD=$(pwd -P)
for p in $([ "$CWD" != / ] && echo "$CWD") ${SKBT_VM_RWDIRS:-}; do
	p=$(cd "$p" && pwd -P) || fail "no such folder: $p"
	case $p in *[[:space:],]*) fail "cannot share a path with blanks or commas: $p" ;; esac
	echo "$p" >>"$RUN/rwdirs"
	rwargs+=(-fsdev "local,id=rw$n,path=$p,security_model=none,multidevs=remap"
		-device "virtio-9p-pci,fsdev=rw$n,mount_tag=rw$n")
	n=$((n + 1))
done
{
	for v in PATH TOP BUILD LC_ALL LANG TZ TERM ${SKBT_VM_ENV:-} \
		$(compgen -e | grep '^SKB' | grep -v '^SKBT_VM_'); do
		[ -n "${!v+x}" ] && printf 'export %s=%q\n' "$v" "${!v}"
	done
	echo 'export HOME=/root SKBT_IN_VM=1'
} >"$RUN/env"
{
	printf 'cd %q || exit 125\nexec' "$CWD"
	printf ' %q' "$@"
	echo
} >"$RUN/cmd"

# The guest's stdout/stderr come back through FIFOs that cat copies, so our
# caller's stdout/stderr see ordinary writes.  Holding a writer open on each
# keeps the cats from blocking forever if qemu dies before opening them.
mkfifo "$RUN/out" "$RUN/err"
: >"$RUN/rc"
cat "$RUN/out" &
CATOUT=$!
cat "$RUN/err" >&2 &
CATERR=$!
exec 3>"$RUN/out" 4>"$RUN/err"

t0=$(date +%s.%N)
timeout -k 5 "${SKBT_VM_TIMEOUT:-600}" qemu-system-x86_64 \
	-accel tcg,thread=multi,tb-size=256 -cpu max \
	-smp "${SKBT_VM_SMP:-2}" -m "${SKBT_VM_MEM:-1G}" \
	-nodefaults -no-user-config -display none -no-reboot \
	-kernel "$KROOT/vmlinux" -initrd "$INITRD" \
	-append "console=ttyS0 quiet loglevel=4 panic=-1 oops=panic mitigations=off rdinit=/init" \
	-serial "file:$RUN/console.log" \
	-fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
	-fsdev "local,id=vmrun,path=$RUN,security_model=none" \
	-device virtio-9p-pci,fsdev=vmrun,mount_tag=vmrun \
	${rwargs[@]+"${rwargs[@]}"} \
	-device virtio-serial-pci \
	-chardev "file,id=out,path=$RUN/out" -device virtserialport,chardev=out,name=out \
	-chardev "file,id=err,path=$RUN/err" -device virtserialport,chardev=err,name=err \
	-chardev "file,id=rc,path=$RUN/rc" -device virtserialport,chardev=rc,name=rc \
	</dev/null 3>&- 4>&- &
QPID=$!
qrc=0
wait "$QPID" || qrc=$?
QPID=
exec 3>&- 4>&-
wait "$CATOUT" "$CATERR" || true
CATOUT='' CATERR=''
t1=$(date +%s.%N)

[ "${SKBT_VM_CONSOLE:-0}" = 1 ] && sed 's/^/vm console: /' "$RUN/console.log" >&2
if [ "${SKBT_VM_TIMING:-0}" = 1 ]; then
	awk -v t="$t1 - $t0" '
		$1 == "SKBT_VM_READY" { r = $2 } $1 == "SKBT_VM_DONE" { d = $2 }
		END { split(t, a, " - "); printf "vm: boot %.2f s, cmd %.2f s, total %.2f s\n",
			r, d - r, a[1] - a[2] }' "$RUN/console.log" >&2
fi
rc=$(tr -dc 0-9 <"$RUN/rc")
if [ -z "$rc" ]; then
	[ "$qrc" = 124 ] && { echo "vm: timed out after ${SKBT_VM_TIMEOUT:-600} s" >&2; exit 124; }
	echo "vm: the guest reported no exit status (qemu status $qrc); its console ends:" >&2
	tail -n 30 "$RUN/console.log" | sed 's/^/vm console: /' >&2
	exit 125
fi
exit "$rc"
