
# ---- The driver: the same for every database (src/manager/bringup.sh) ----
#
# Brings up, at boot, the service or bundle named by $1 and everything it
# needs, as goetia's engine would (manager/run/engine.ts), at a shell's cost:
# every service starts as soon as what it needs is up, a failure skips only
# what depends on it, each transition is on record in goetia's state files
# (so that `goetia status` knows what happened) and told on the console.
#
#   bringup NAME CLOCK_OFFSET_US [BOOT [QUIET]]
#
# CLOCK_OFFSET_US: CLOCK_REALTIME minus CLOCK_MONOTONIC as stage 1 read them,
# to keep the boot record on the monotonic clock. BOOT: the name the boot
# record is saved under, in $logdir/boot, once the bundle is done (none: not
# saved). QUIET (the kernel's `quiet`): the console gets errors and the
# summary only; the catch-all log, everything.
# Descriptor 3, from stage 1, holds the tree's change lock.
# Run in the foreground, it prepares what s6-svscan must find (the live
# database, the services' directories, stopped) and exits 0, leaving the
# bring-up itself in the background for s6-svscan's first minutes; it exits
# 3, having done nothing, when the sources are newer than this database
# (goetia must compile them), and 1 when it cannot prepare.

requested=$1
offset_us=$2
boot=${3:-}
quiet=${4:-}
db=${0%/*}

say() { printf 'goetia: %s\n' "$1"; printf 'goetia: %s\n' "$1" >&4; } 2>/dev/null
# tell: a service's progress, on the console unless quiet.
tell() { [ -n "$quiet" ] || printf 'goetia: %s\n' "$1"; printf 'goetia: %s\n' "$1" >&4; } 2>/dev/null
warn() { say "warning: $1"; }
error() { say "error: $1"; }

# Sources edited since this database was compiled: goetia compiles them (exit 3),
# and finds the run directory untouched.
eval "set -- $sources"
[ -z "$(find "$@" -newer "$0" 2>/dev/null | head -n 1)" ] || exit 3

# The run directory as s6-svscan must find it: the run image, and the
# catch-all log's fifo. Every line also goes to the catch-all log. Its
# logger may not read yet: held open for reading too, the fifo takes the
# lines meanwhile (where a writer alone would be killed by SIGPIPE).
cp -a "$runimage/." "$rundir/" && mkdir -p "$catchalllog" "$logdir" "${catchall%/*}" "$states" "$servicedirs" "$pipes" && { [ -p "$catchall" ] || mkfifo -m 600 "$catchall"; } && mkfifo -m 600 "$states/.bringup" "$states/.nap" || {
  error "cannot make $rundir ready from $runimage"
  exit 1
}
exec 4<>"$catchall"

# now_ms: milliseconds since the epoch, in $ms; now_us, microseconds, in $us.
now_us() {
  t=${EPOCHREALTIME:-}
  if [ -n "$t" ]; then us=${t%.*}${t#*.}; else us=$(date +%s%6N); fi
}
now_ms() { now_us; ms=$((us / 1000)); }

# Where the shell's read can time out in fractions of a second and take one
# character (busybox's sh, bash: those with $EPOCHREALTIME), the nap costs no
# process and longruns are waited for on s6's own events; elsewhere sleep(1)
# and s6-svwait do it.
events=${EPOCHREALTIME:+yes}

# nap: 10 ms, a read that times out on a fifo nobody writes.
if [ -n "$events" ]; then nap() { read -r -t 0.01 _ <&6; }; else nap() { sleep 0.01; }; fi

# mark WHAT [SUBJECT], note EVENT I [DETAIL]: the boot record's lines
# (lib/timeline.ts, manager/analyze/boot.ts): a stage of the boot, and what
# happened to service I.
mark() { now_us; printf '%s %s%s\n' "$1" "$(((us - offset_us) * 1000))" "${2:+ $2}" >>"$bootrecord"; } 2>/dev/null
note() {
  now_us
  eval "subject=\$n$2"
  printf '%s %s %s%s\n' "$1" "$(((us - offset_us) * 1000))" "$subject" "${3:+ $3}" >>"$bootrecord"
} 2>/dev/null

# record I PHASE SINCE [DURATION [REASON]]: service I's state, appended as a
# line of its own (goetia's reader takes the last whole line; a rename would
# cost a process).
record() {
  eval "file=\$states/\$n$1.json"
  text="{\"phase\":\"$2\",\"since\":$3"
  [ -z "$4" ] || text="$text,\"durationMs\":$4"
  [ -z "$5" ] || text="$text,\"reason\":\"$5\""
  printf '\n%s}' "$text" >>"$file"
}

# The emergency shell, once, on the console (the system tree's, when there
# is a terminal to give it; a user tree's is only told); the change lock is
# let go first.
shell() {
  exec 3>&- 5>&- 6>&-
  if [ -z "$emergency_shell" ]; then
    error "$1"
  elif [ -t 1 ]; then
    error "$1: starting an emergency shell (s6-svscan runs: goetia status, goetia change); leave the shell to go on with whatever is up"
    HOME=/ TERM=linux setsid cttyhack sh -l 4>&-
  else
    error "$1 (no terminal for an emergency shell)"
  fi
}

# ---- In the foreground: what s6-svscan must find ----

mark bringup
set -f # names and lists below are split on spaces, never globbed
name_asked=$requested
found=
lookup "$requested" || {
  name_asked=default
  lookup default && error "GOETIABUNDLE=$requested: no such bundle or service; bringing up default instead"
}
asked=$found
problems

if [ -z "$asked" ]; then
  nothing="no bundle named $requested"
  [ "$requested" = default ] || nothing="$nothing nor default"
  shell "$nothing: nothing to bring up" </dev/null &
  exit 0
fi

# Everything asked for, with what it needs: dependents come before their
# dependencies in $order, so one pass finds them all.
for i in $asked; do eval "w$i=1"; done
wanted=
for i in $order; do
  eval "[ -n \"\$w$i\" ]" || continue
  wanted="$wanted $i"
  eval "deps=\$d$i"
  for d in $deps; do eval "w$d=1"; done
done

# The longruns' directories, stopped (a `down` file), where s6-svscan's first
# scan finds them; the fifos of pipelines before their consumers start.
copies= links= fifos=
for i in $wanted; do
  eval "[ \"\$k$i\" = longrun ]" || continue
  eval "name=\$n$i"
  copies="$copies $db/servicedirs/$name"
  links="$links $servicedirs/$name"
  eval "[ -z \"\$c$i\" ]" || fifos="$fifos $pipes/$name"
done
if [ -n "$copies" ]; then
  set +f
  cp -R $copies "$servicedirs/" && for dir in $links; do : >"$dir/down"; done && ln -s $links "$scandir/" || {
    error "cannot install the service directories in $servicedirs"
    exit 1
  }
fi
[ -z "$fifos" ] || mkfifo -m 600 $fifos || { error "cannot make the pipelines' fifos in $pipes"; exit 1; }

# ---- In the background: the bring-up ----

# oneshot I: runs its up command line as goetia's engine does
# (s6/execline.ts): in a process group of its own, its exit code written
# where a later goetia can find it should this script be killed first; what
# it says goes to the console and, after its name, to the catch-all log.
oneshot() {
  me=$1 members=$1 child= start=0
  trap 'stop -KILL "-$child"' TERM
  eval "name=\$n$me argv=\$u$me timeout=\$t$me"
  exitfile=$states/$name.exit
  now_ms && start=$ms
  : >"$exitfile" && record "$me" starting "$start" || { finish "$me" "$start" "cannot write its state record in $states"; return; }
  note starting "$me"
  tell "starting $name (oneshot)"
  [ -n "$argv" ] || { finish "$me" "$start"; return; }
  eval "set -- $argv"
  setsid /bin/sh -c "$recorder" goetia-oneshot "$exitfile" "$name" "$@" </dev/null 3>&- 5>&- 6>&- &
  child=$!
  killer=
  if [ "$timeout" -gt 0 ]; then
    # The killer leaves a mark first: the worker must know why its command died.
    { sleep "$((timeout / 1000)).$(printf %03d $((timeout % 1000)))" && : >"$exitfile.timeout" && kill -KILL "-$child"; } </dev/null >/dev/null 2>&1 3>&- 4>&- 5>&- 6>&- &
    killer=$!
  fi
  wait $child 2>/dev/null
  code=$?
  [ -z "$killer" ] || kill $killer 2>/dev/null
  if [ -e "$exitfile.timeout" ]; then
    rm -f "$exitfile.timeout"
    finish "$me" "$start" "timed out after $timeout ms"
  elif [ $code -gt 128 ]; then
    finish "$me" "$start" "up script killed by signal $((code - 128))"
  elif [ $code -ne 0 ]; then
    finish "$me" "$start" "up script exited $code"
  else
    finish "$me" "$start"
  fi
}

# longruns I...: longruns that became startable together (several only when
# none has a notification-fd, and all the same timeout): once s6-supervise
# runs them, each is asked up, as s6-svc does, and waited for (ready, with a
# notification-fd) as s6-svwait does, on the events s6-supervise sends, or
# by one s6-svwait for them all; only when that fails is each looked at alone.
longruns() {
  members=$* child= start=0
  trap 'stop -TERM "$child"' TERM
  eval "timeout=\$t$1 ready=\$r$1"
  now_ms && start=$ms
  dirs=
  for i in $members; do
    eval "name=\$n$i"
    record "$i" starting "$start" || { finish "$i" "$start" "cannot write its state record in $states"; continue; }
    note starting "$i"
    tell "starting $name (longrun)"
    dirs="$dirs $servicedirs/$name"
  done
  [ -n "$dirs" ] || return
  tries=0
  for dir in $dirs; do
    while [ ! -e "$dir/supervise/status" ]; do
      tries=$((tries + 1))
      [ $tries -le 1000 ] || { finish_all "s6-svscan did not pick it up: no supervisor"; return; }
      nap
    done
  done
  [ -z "$events" ] || subscribe || { finish_all "cannot follow its events: $fifo"; return; }
  # s6-svc -u, without its start: the letter, to a supervisor known to read it.
  for dir in $dirs; do
    printf u 2>/dev/null 1<>"$dir/supervise/control" || { finish_all "cannot ask it up: $dir/supervise/control"; return; }
  done
  if [ -n "$events" ]; then
    child=$readers
    awaited
  else
    s6-svwait "-${ready:-u}" -t "$timeout" $dirs 2>/dev/null 3>&- 4>&- 5>&- 6>&- &
    child=$!
    wait $child
  fi
  code=$? child=
  [ $code = 0 ] && { finish_all; [ -z "$events" ] || rm -f $fifos; return; }
  [ -z "$events" ] || rm -f $fifos
  [ $code = 99 ] && why="timed out after $timeout ms" || why="s6-supervise reports it failed for good"
  [ -n "$ready" ] && field=ready || field=up
  for dir in $dirs; do
    case $(s6-svstat -o $field "$dir" 2>/dev/null) in
      true) finish_one "$dir" ;;
      *) finish_one "$dir" "$why" ;;
    esac
  done
}

# subscribe: for each member, a fifo in its event folder, named as s6's
# ftrig protocol wants it ("ftrig1:@" and 31 more), where s6-supervise
# writes a letter at each change (u up, U ready, x leaving...), read by a
# subshell of this worker's (awaiting) that holds it open from the start.
# The fifo named last is in $fifo.
subscribe() {
  readers= fifos= n=0
  now_ms && deadline=$((ms + timeout))
  [ "$timeout" -gt 0 ] || deadline=0
  for dir in $dirs; do
    n=$((n + 1))
    sub=goetia-$n-$start
    while [ ${#sub} -lt 31 ]; do sub=$sub-; done
    fifo=$dir/event/ftrig1:@$sub
    mkfifo -m 600 "$fifo" 2>/dev/null && exec 7<>"$fifo" || return
    for i in $members; do eval "[ \"\$servicedirs/\$n$i\" = \"\$dir\" ]" && member=$i; done
    awaiting "${ready:-u}" "$deadline" "$member" </dev/null 3>&- 4>&- 5>&- 6>&- &
    readers="$readers $!" fifos="$fifos $fifo"
  done
  exec 7<&-
}

# awaiting LETTER DEADLINE_MS I: reads s6-supervise's letters on descriptor 7
# until LETTER, and exits 0; 99 when the deadline (0: none) passes first, 1
# when the supervisor leaves. Waiting for readiness, it notes when service I
# is up.
awaiting() {
  trap - TERM
  limit=
  while :; do
    if [ "$2" -gt 0 ]; then
      now_ms
      rest=$(($2 - ms))
      [ $rest -gt 0 ] || exit 99
      frac=00$((rest % 1000))
      limit="-t $((rest / 1000)).${frac#"${frac%???}"}"
    fi
    c=
    read -r -n 1 $limit c <&7
    case $c in
      "$1") exit 0 ;;
      u) note up "$3" ;;
      x) exit 1 ;;
    esac
  done
}

# awaited: 0 once every reader has seen its letter, else the first failure's code.
awaited() {
  code=0
  for reader in $readers; do
    wait "$reader"
    status=$?
    [ $code != 0 ] || code=$status
  done
  return $code
}

# finish_all [REASON], finish_one DIR [REASON]: a longruns worker's members.
finish_all() {
  for dir in $dirs; do finish_one "$dir" "$1"; done
}
finish_one() {
  for i in $members; do eval "[ \"\$servicedirs/\$n$i\" = \"\$1\" ]" && finish "$i" "$start" "$2"; done
}

# stop SIGNAL TARGET: a worker asked to stop ends what it runs, and says so.
stop() {
  [ -z "$child" ] || { kill "$1" -- $2 2>/dev/null; wait $child 2>/dev/null; }
  for i in $members; do finish "$i" "$start" "$interrupted"; done
  exit
}

# finish I START [REASON]: puts service I's outcome on record and on the
# console, and tells the scheduler (no reason: it is up).
finish() {
  now_ms
  eval "name=\$n$1"
  took=$((ms - $2))
  if [ -z "$3" ]; then
    eval "[ -n \"\$r$1\" ]" && note ready "$1" || note up "$1"
    record "$1" up "$ms" "$took" && tell "up $name ($took ms)"
  else
    note failed "$1" "$3"
    record "$1" failed "$ms" "$took" "$3"
    error "failed $name: $3 ($took ms)"
  fi
  [ -z "$3" ]
  echo "$1 $?" >&5
}

# The live database, for goetia's commands, once the bundle is up: no
# service needs it (a command that comes first installs its own).
install_live() {
  [ -e "$live" ] && return
  cp -RH "$db" "$live-boot" && ln -s "${live##*/}-boot" "$live" 2>/dev/null || rm -rf "$live-boot"
}

# save_record: the boot record kept on disk (synced: a crash soon after the
# boot keeps it), for the boots after this one (goetia analyze --boot -1),
# where it can be written; the newest few are kept.
save_record() {
  [ -n "$boot" ] || return 0
  mkdir -p "$savedboots" 2>/dev/null && cp "$bootrecord" "$savedboots/$boot" 2>/dev/null && sync "$savedboots/$boot" "$savedboots" || return 0
  set +f
  set -- "$savedboots"/*
  set -f
  while [ $# -gt "$kept_boots" ]; do
    rm -f "$1"
    shift
  done
}

# skip I BLOCKER: what waits for a failed service does not start.
skip() {
  now_ms
  eval "name=\$n$1 blocker=\$n$2"
  note skipped "$1" "$blocker"
  record "$1" failed "$ms" "" "dependency $blocker failed"
  warn "skipped $name: dependency $blocker failed"
}

# settle I OUTCOME: service I is done (0 up, 1 failed, 2 skipped); what
# waits for it may start, or is blocked by it.
settle() {
  left=$((left - 1))
  eval "name=\$n$1 followers=\$f$1 o$1=1"
  case $2 in
    1) failed="$failed, $name" failures=$((failures + 1)) ;;
    2) skipped="$skipped, $name" skips=$((skips + 1)) ;;
  esac
  for j in $followers; do
    eval "[ -n \"\$w$j\" ]" || continue
    [ "$2" = 0 ] || eval "[ -n \"\$b$j\" ] || b$j=$1"
    eval "p$j=\$((p$j - 1))"
    if eval "[ \$p$j = 0 ]"; then
      eval "[ -n \"\$e$j\" ]" || queue="$queue $j"
    elif [ "$2" = 0 ] && early "$j"; then
      eval "e$j=1"
      queue="$queue $j"
    fi
  done
}

# early J: whether longrun J may start before the last of what it needs is
# up, because that one is a pipeline consumer without readiness (a logger,
# most often) already asked up (s$d): it is up once s6-supervise has spawned
# it, and its fifo holds what J writes before it reads. J is asked up after
# it, without a round's wait; e$j marks it started early.
early() {
  eval "[ \"\$k$1\" = longrun ] && [ -z \"\$r$1\$b$1\$e$1\" ] && [ \"\$p$1\" = 1 ]" || return 1
  eval "deps=\$d$1"
  for d in $deps; do
    eval "[ -n \"\$w$d\" ] && [ -z \"\$o$d\" ]" || continue
    eval "[ -n \"\$s$d\" ]"
    return
  done
  return 1
}

# join_producers I GROUP: the producers of consumer I that may start early
# and wait as long join its group, asked up after it.
join_producers() {
  eval "s$1=1 producers=\$f$1 timeout=\$t$1"
  for j in $producers; do
    eval "[ -n \"\$w$j\" ] && [ \"\$t$j\" = \"\$timeout\" ]" && early "$j" || continue
    eval "e$j=1; $2=\"\$$2 $j\""
  done
}

# A shutdown taking over the boot (SIGTERM): what is in flight ends, as
# interrupted; nothing more starts. (busybox's sh and bash give up a read
# for a trapped signal; dash finishes it first, and the shutdown, after its
# wait for the lock, kills this script instead: the next change settles.)
interrupt() {
  for worker in $workers; do kill "$worker" 2>/dev/null; done
  wait
  : >"$lock"
  cut=$(set +f && cd "$states" && grep -l "\"reason\":\"$interrupted\"" -- *.json 2>/dev/null | sed 's/\.json$//' | tr '\n' ' ')
  mark bundle-not-up "$name_asked"
  error "bundle $name_asked: interrupted by SIGTERM; interrupted: $(echo ${cut:-none} | sed 's/ /, /g')"
  exit 2
}

bringup() {
  exec 5<>"$states/.bringup" 6<>"$states/.nap" && rm -f "$states/.bringup" "$states/.nap"
  read -r pid _ </proc/self/stat
  printf '%s\nup bundle %s\n' "$pid" "$name_asked" >"$lock"
  workers=
  trap interrupt TERM

  # p$i: how many of what service i needs are still to come up.
  left=0 queue=
  for i in $wanted; do
    left=$((left + 1))
    eval "deps=\$d$i"
    count=0
    for d in $deps; do eval "[ -z \"\$w$d\" ]" || count=$((count + 1)); done
    eval "p$i=$count"
    [ $count -gt 0 ] || queue="$queue $i"
  done
  # All of them asked up now: a line each in the boot record.
  now_us
  at=$(((us - offset_us) * 1000))
  for i in $wanted; do eval "printf 'asked %s %s\n' $at \"\$n$i\""; done >>"$bootrecord" 2>/dev/null

  count_wanted=$left failed= skipped= failures=0 skips=0
  while [ $left -gt 0 ]; do
    groups=
    for i in $queue; do
      eval "blocker=\$b$i kind=\$k$i"
      if [ -n "$blocker" ]; then
        skip "$i" "$blocker"
        queue_after="$queue_after $i"
      elif [ "$kind" = oneshot ]; then
        oneshot "$i" &
        workers="$workers $!"
      else
        # Up is at once for a longrun without readiness: those wait together.
        # One with readiness waits alone, not to hold back what needs it.
        eval "[ -n \"\$r$i\" ]" && group=l$i || eval "group=l_\$t$i"
        eval "[ -n \"\$$group\" ]" || groups="$groups $group"
        eval "$group=\"\$$group $i\""
        eval "[ -n \"\$c$i\" ] && [ -z \"\$r$i\" ]" && join_producers "$i" "$group"
      fi
    done
    for group in $groups; do
      eval "members=\$$group; $group="
      longruns $members &
      workers="$workers $!"
    done
    # Skipped ones are done at once: settling them may queue more.
    queue=
    for i in $queue_after; do settle "$i" 2; done
    queue_after=
    [ -z "$queue" ] || continue
    [ $left -gt 0 ] || break
    i=
    read -r i outcome <&5
    [ -z "$i" ] || settle "$i" "$outcome"
  done
  trap - TERM
  : >"$lock" # done cleanly: the next change has nothing to settle
  exec 3>&- 5>&- 6>&-

  # The summary: how many, and when on the kernel's clock (the mark's own
  # reading, $us; goetia analyze says where the time went).
  if [ -z "$failed$skipped" ]; then mark bundle-up "$name_asked"; else mark bundle-not-up "$name_asked"; fi
  up=$((count_wanted - failures - skips))
  [ $up = 1 ] && services=service || services=services
  summary="$up $services up in $(((us - offset_us) / 1000)) ms since the kernel started"
  save_record
  if [ -z "$failed$skipped" ]; then
    say "bundle $name_asked up: $summary"
    install_live
    return
  fi
  error "bundle $name_asked not fully up: $summary${failed:+; $failures failed: ${failed#, }}${skipped:+; $skips skipped: ${skipped#, }}"
  install_live
  shell "bundle $name_asked did not fully come up (goetia status says why)"
}

bringup </dev/null &
exit 0
