
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
# database, the services' directories, stopped) and exits, leaving the
# bring-up itself in the background for s6-svscan's first minutes; it exits
# as manager/bringup-exit.ts says: prepared, cannot prepare, or, having done
# nothing, sources newer than this database (goetia must compile them).

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

# Sources edited since this database was compiled: goetia compiles them
# ($exit_sources_changed), and finds the run directory untouched. Else the
# run directory as s6-svscan must find it: the run image, the catch-all
# log's fifo, and this script's own two fifos, opened here for the
# background and removed below once open (made anew: a runner left by a
# killed bring-up must never write into the next one's). Every line also
# goes to the catch-all log. Its logger may not read yet: held open for
# reading too, the fifo takes the lines meanwhile (where a writer alone
# would be killed by SIGPIPE). One static program does the file work
# (fifos below too): a program's start is what costs under emulation.
eval "set -- $sources"
set -- unchanged-since "$0" "$@" -- copy "$rundir" "$runimage/." \
  -- dirs "$catchalllog" "$logdir" "${catchall%/*}" "$states" "$servicedirs" "$pipes" \
  -- remove "$states/.bringup" "$states/.nap" -- fifos 600 "$states/.bringup" "$states/.nap"
[ -p "$catchall" ] || set -- "$@" "$catchall"
"$files" "$@"
case $? in
  0) ;;
  1) exit $exit_sources_changed ;;
  *)
    cannot_ready "$rundir" "$runimage"
    exit $exit_cannot_prepare
    ;;
esac
exec 4<>"$catchall" 5<>"$states/.bringup" 6<>"$states/.nap"

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
# (lib/timeline.ts, in manager/events.ts's words): a stage of the boot, and
# what happened to service I.
mark() {
  now_us
  [ -z "$2" ] || subject "$2"
  printf '%s %s%s\n' "$1" "$(((us - offset_us) * 1000))" "${2:+ $subject}" >>"$bootrecord"
} 2>/dev/null
note() {
  now_us
  eval "subject \"\$n$2\""
  printf '%s %s %s%s\n' "$1" "$(((us - offset_us) * 1000))" "$subject" "${3:+ $3}" >>"$bootrecord"
} 2>/dev/null

# subject NAME: NAME as the record writes a subject, in $subject: one word,
# its spaces \s and its backslashes doubled (lib/timeline.ts).
subject() {
  rest=$1 subject=
  while :; do
    case $rest in
      *[\\\ ]*)
        head=${rest%%[\\\ ]*}
        rest=${rest#"$head"}
        case $rest in \\*) subject=$subject$head\\\\ ;; *) subject=$subject$head\\s ;; esac
        rest=${rest#?}
        ;;
      *) subject=$subject$rest; return ;;
    esac
  done
}

# json TEXT: TEXT as the inside of a JSON string, in $json: only " and \
# need escaping (names hold no control characters, goetia's words none).
json() {
  rest=$1 json=
  while :; do
    case $rest in
      *[\\\"]*)
        head=${rest%%[\\\"]*}
        rest=${rest#"$head"}
        json=$json$head\\${rest%"${rest#?}"}
        rest=${rest#?}
        ;;
      *) json=$json$rest; return ;;
    esac
  done
}

# record I PHASE SINCE [DURATION [REASON]]: service I's state, appended as a
# line of its own (goetia's reader takes the last whole line; a rename would
# cost a process).
record() {
  eval "file=\$states/\$n$1.json"
  text="{\"phase\":\"$2\",\"since\":$3"
  [ -z "$4" ] || text="$text,\"durationMs\":$4"
  [ -z "$5" ] || { json "$5"; text="$text,\"reason\":\"$json\""; }
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
    shell_starting "$1"
    HOME=/ TERM=linux /usr/lib/goetia/console-shell 4>&-
  else
    shell_no_terminal "$1"
  fi
}

# ---- In the foreground: what s6-svscan must find ----

mark "$mark_bringup"
set -f # names and lists below are split on spaces, never globbed
problems
name_asked=$requested
found=
# What is asked, else the default bundle, else nothing (graph.ts chooseBundle).
if ! lookup "$requested"; then
  if [ "$requested" != "$default_bundle" ] && lookup "$default_bundle"; then
    name_asked=$default_bundle
    say_unknown_instead "$requested" "$default_bundle"
  else
    say_unknown "$requested"
    names=$requested
    [ "$requested" = "$default_bundle" ] || nor_default "$requested" "$default_bundle"
    nothing_named "$names"
    mark "$mark_bundle_not_up" "$requested"
    shell "$nothing" </dev/null &
    exit $exit_prepared
  fi
fi
# Everything asked for, with what it needs, compiled (w$i: wanted).
wanted=$found
for i in $wanted; do eval "w$i=1"; done

# The longruns' directories, stopped (a `down` file), where s6-svscan's first
# scan finds them; the fifos of pipelines before their consumers start.
# The lists are built in the positional parameters: a name is never split.
set -- copy "$servicedirs"
for i in $wanted; do
  eval "[ \"\$k$i\" = longrun ]" && eval "set -- \"\$@\" \"\$db/servicedirs/\$n$i\""
done
set -- "$@" -- empty
for i in $wanted; do
  eval "[ \"\$k$i\" = longrun ]" && eval "set -- \"\$@\" \"\$servicedirs/\$n$i/down\""
done
set -- "$@" -- links "$scandir"
for i in $wanted; do
  eval "[ \"\$k$i\" = longrun ]" && eval "set -- \"\$@\" \"\$servicedirs/\$n$i\""
done
set -- "$@" -- fifos 600
for i in $wanted; do
  eval "[ -n \"\$c$i\" ]" && eval "set -- \"\$@\" \"\$pipes/\$n$i\""
done
"$files" "$@" -- remove "$states/.bringup" "$states/.nap" || { cannot_install "$servicedirs"; exit $exit_cannot_prepare; }

# ---- In the background: the bring-up ----

# oneshot I: starts its up command line as goetia's engine does, through the
# runner (s6/execline.ts): in a process group of its own, its exit code
# written where a later goetia can find it should this script be killed
# first; what it says goes to the console and, after its name, to the
# catch-all log. The runner is this script's own child, without a worker
# shell around it (a shell's fork is what costs, under emulation): it tells
# descriptor 5 "eI CODE" once its command ended, and ended() takes it from
# there. Its pid is x$i while it runs, its start a$i. Its timeout kills the
# whole group; the timer, in a group of its own too, leaves a mark and says
# "eI 137" for it, and is ended whole (z$i) when the command ends first.
oneshot() {
  me=$1
  eval "name=\$n$me argv=\$u$me timeout=\$t$me"
  exitfile=$states/$name.exit
  now_ms && start=$ms
  why_no_record "$states"
  : >"$exitfile" && record "$me" starting "$start" || { finish "$me" "$start" "$why"; return; }
  note "$ev_starting" "$me"
  say_starting "$name" oneshot
  [ -n "$argv" ] || { finish "$me" "$start"; return; }
  eval "set -- $argv"
  "$@" </dev/null 3>&- 6>&- &
  eval "x$me=\$! a$me=\$start z$me="
  running="$running $me"
  [ "$timeout" -gt 0 ] || return 0
  frac=00$((timeout % 1000))
  setsid /bin/sh -c 'sleep "$1" && : >"$2" && kill -KILL "-$3" && echo "e$4 137" >&5' goetia-timer "$((timeout / 1000)).${frac#"${frac%???}"}" "$exitfile.timeout" "$!" "$me" </dev/null >/dev/null 2>&1 3>&- 4>&- 6>&- &
  eval "z$me=\$!"
}

# ended I CODE: oneshot I's command ended with CODE (told twice when its
# timer fired as it ended: the second is not heard); on record, and told.
ended() {
  eval "child=\$x$1 start=\$a$1 timer=\$z$1 name=\$n$1 timeout=\$t$1"
  [ -n "$child" ] || return 0
  eval "x$1="
  stop_timer
  exitfile=$states/$name.exit
  if [ -e "$exitfile.timeout" ]; then
    rm -f "$exitfile.timeout"
    why_timed_out "$timeout"
  elif [ "$2" -gt 128 ]; then
    why_killed "$(($2 - 128))"
  elif [ "$2" -ne 0 ]; then
    why_exited "$2"
  else
    why=
  fi
  finish "$1" "$start" "$why"
}

# stop_timer: $timer's group ended, if it has one; a timer that has not yet
# made its group (setsid) is ended alone, and its group then if it made one
# meanwhile.
stop_timer() {
  [ -z "$timer" ] || kill -TERM "-$timer" 2>/dev/null || { kill -TERM "$timer"; kill -TERM "-$timer"; } 2>/dev/null
}

# longruns I...: longruns that became startable together (several only when
# none has a notification-fd, and all the same timeout): once s6-supervise
# runs them, each is asked up, as s6-svc does, and waited for (ready, with a
# notification-fd) as s6-svwait does, on the events s6-supervise sends, or
# by one s6-svwait for them all; only when that fails is each looked at alone.
longruns() {
  members= child= start=0
  trap 'stop -TERM "$child"' TERM
  eval "timeout=\$t$1 ready=\$r$1"
  now_ms && start=$ms
  why_no_record "$states"
  for i in "$@"; do
    eval "name=\$n$i"
    record "$i" starting "$start" || { finish "$i" "$start" "$why"; continue; }
    note "$ev_starting" "$i"
    say_starting "$name" longrun
    members="$members $i"
  done
  [ -n "$members" ] || return
  tries=0
  for i in $members; do
    eval "dir=\$servicedirs/\$n$i"
    while [ ! -e "$dir/supervise/status" ]; do
      tries=$((tries + 1))
      [ $tries -le 1000 ] || { finish_all "$reason_no_supervisor"; return; }
      nap
    done
  done
  [ -z "$events" ] || subscribe || { finish_all "cannot follow its events: $fifo"; return; }
  # s6-svc -u, without its start: the letter, to a supervisor known to read it.
  for i in $members; do
    eval "dir=\$servicedirs/\$n$i"
    printf u 2>/dev/null 1<>"$dir/supervise/control" || { finish_all "cannot ask it up: $dir/supervise/control"; return; }
  done
  died_early=
  if [ -n "$events" ]; then
    child=$readers
    awaited
  else
    svwait
  fi
  code=$? child=
  # Those that did not stay up their stay-up time (y$i) failed alone.
  for i in $died_early; do
    died_early_why "$i"
    finish "$i" "$start" "$why"
    rest_of=
    for j in $members; do [ "$j" = "$i" ] || rest_of="$rest_of $j"; done
    members=$rest_of
  done
  [ -n "$members" ] || return
  [ $code = 0 ] && { finish_all; return; }
  case $code in
    99) why_timed_out "$timeout" ;;
    98) why=$reason_unspawnable ;;
    *) why=$reason_died ;;
  esac
  [ -n "$ready" ] && field=ready || field=up
  for i in $members; do
    eval "dir=\$servicedirs/\$n$i"
    case $(s6-svstat -o $field "$dir" 2>/dev/null) in
      true) finish "$i" "$start" ;;
      *)
        # s6-supervise would try it again and again, for ever.
        [ $code != 98 ] || printf d 2>/dev/null 1<>"$dir/supervise/control"
        finish "$i" "$start" "$why"
        ;;
    esac
  done
}

# svwait: the members waited for by s6-svwait, as s6-svc -wu (or -wU)
# would: 0 once all are there, 99 on the timeout, 98 when one's run cannot
# be run (awaiting says how that shows). Up first, within the spawn wait;
# one that must get ready (alone in its worker) is noted up, then waited
# for ready a second at a time, its exits looked at in between.
svwait() {
  set --
  stayers= waited=
  for i in $members; do
    # Those that must stay up are waited for by stay_check: s6-svwait -u never sees one that dies at once up.
    if eval "[ \"\${y$i:-0}\" -gt 0 ]"; then stayers="$stayers $i"; else waited="$waited $i" && eval "set -- \"\$@\" \"\$servicedirs/\$n$i\""; fi
  done
  if [ -n "$stayers" ]; then
    stay_check $stayers || return
  fi
  [ $# -gt 0 ] || return 0
  wait_at_most "$spawn_wait" || return 99
  s6_wait u "$rest" "$@"
  code=$?
  if [ $code = 99 ]; then
    gave_up $waited && return 1
    for dir; do [ "$(s6-svstat -o pid "$dir" 2>/dev/null)" != -1 ] || return 98; done
    wait_at_most 0 || return 99
    s6_wait u "$rest" "$@" || return
  elif [ $code != 0 ]; then
    gave_up $waited
    return $code
  fi
  [ -n "$ready" ] || return 0
  note "$ev_up" $members
  while :; do
    wait_at_most 1000 || return 99
    s6_wait U "$rest" "$@"
    code=$?
    [ $code = 99 ] || return $code
    case $(s6-svstat -o exitcode "$1" 2>/dev/null) in 126 | 127) return 98 ;; esac
    # Given up on between two waits: s6-svwait, started after, never hears of it.
    [ "$(s6-svstat -o pid,wantedup "$1" 2>/dev/null)" != "-1 false" ] || return 1
  done
}

# gave_up I...: whether one of them went up, died, and was told by its
# finish not to start again (down, no longer wanted up: the engine's "gave
# up"); each such one is on record as having gone up, as the engine has it.
gave_up() {
  found=1
  for i; do
    eval "dir=\$servicedirs/\$n$i"
    [ "$(s6-svstat -o pid,wantedup "$dir" 2>/dev/null)" = "-1 false" ] || continue
    note "$ev_up" "$i"
    found=0
  done
  return $found
}

# stay_check I...: longruns without readiness that must stay up y$i ms,
# looked at once the longest of those has passed, again until each has
# run: one with a death on s6-supervise's record (s6-svdt) did not stay up,
# and is in $died_early, how it first died in h$i (its supervisor told to
# stop restarting it, as the engine does); 98 when one has not run within
# the spawn wait, as svwait says it.
stay_check() {
  stay=0
  for i; do eval "[ \$y$i -le $stay ] || stay=\$y$i"; done
  frac=00$((stay % 1000))
  now_ms && spawn_by=$((ms + spawn_wait))
  while [ $# -gt 0 ]; do
    sleep "$((stay / 1000)).${frac#"${frac%???}"}"
    for i; do
      shift
      eval "dir=\$servicedirs/\$n$i"
      death=$(s6-svdt "$dir" 2>/dev/null | head -n 1)
      if [ -n "$death" ]; then
        printf d 2>/dev/null 1<>"$dir/supervise/control"
        died_early="$died_early $i"
        case ${death#* } in
          exitcode\ *) how_exited "${death##* }" ;;
          *) signal_number "${death##* }" && how_killed "$number" ;;
        esac
        eval "h$i=\$how"
      elif [ "$(s6-svstat -o pid "$dir" 2>/dev/null)" = -1 ]; then
        set -- "$@" "$i"
      fi
    done
    [ $# = 0 ] && return 0
    now_ms
    [ $ms -lt $spawn_by ] || return 98
  done
}

# died_early_why I: why service I failed, not staying up, in $why: how it
# ended, as s6-supervise recorded it.
died_early_why() {
  eval "dir=\$servicedirs/\$n$1 y=\$y$1 how=\${h$1:-}"
  if [ -z "$how" ]; then
    set -- $(s6-svstat -o pid,exitcode,signum "$dir" 2>/dev/null)
    if [ "${1:-0}" != -1 ] && [ "${1:-0}" != 0 ]; then how_started_again
    elif [ "${2:--1}" != -1 ]; then how_exited "$2"
    else how_killed "${3:-?}"; fi
  fi
  why_died_early "$y" "$how"
}

# wait_at_most MS: how long the next wait may last, in $rest: MS (0: for
# ever), or less if the worker's timeout comes first; false once it has.
wait_at_most() {
  rest=$1
  [ "$timeout" -gt 0 ] || return 0
  now_ms
  left_ms=$((start + timeout - ms))
  [ $left_ms -gt 0 ] || return 1
  [ "$rest" != 0 ] && [ "$rest" -lt $left_ms ] || rest=$left_ms
}

# s6_wait LETTER MS DIR...: s6-svwait -LETTER for the directories, MS at most (0: for ever).
s6_wait() {
  letter=$1 ms_limit=$2
  shift 2
  s6-svwait "-$letter" -t "$ms_limit" "$@" 2>/dev/null 3>&- 4>&- 5>&- 6>&- &
  child=$!
  wait $child
}

# subscribe: for each member I, a fifo in its event folder, named
# as s6's ftrig protocol wants it ("ftrig1:@" and 31 more), where
# s6-supervise writes a letter at each change (u up, U ready, x leaving...),
# read by a subshell of this worker's (awaiting) that holds it open from the
# start. The fifo made last is in $fifo. Once its reader has gone, s6-supervise
# removes it at its next event (it unlinks a fifo that has no reader): no rm.
subscribe() {
  readers= n=0
  now_ms && deadline=$((ms + timeout))
  [ "$timeout" -gt 0 ] || deadline=0
  for i in $members; do
    n=$((n + 1))
    sub=goetia-$n-$start
    while [ ${#sub} -lt 31 ]; do sub=$sub-; done
    eval "fifo=\$servicedirs/\$n$i/event/ftrig1:@\$sub"
    "$files" fifos 600 "$fifo" 2>/dev/null && exec 7<>"$fifo" || return
    awaiting "${ready:-u}" "$deadline" "$i" </dev/null 3>&- 4>&- 5>&- 6>&- &
    readers="$readers $!"
  done
  exec 7<&-
}

# awaiting LETTER DEADLINE_MS I: reads s6-supervise's letters on descriptor 7
# until LETTER, and exits 0; 99 when the deadline (0: none) passes first, 1
# when the supervisor leaves; 98 when service I's run cannot be run, as the
# engine concludes it (s6/supervise.ts): nothing started within the spawn
# wait (s6-supervise says why only on its stderr), or a start that exited
# 126 or 127 (goetia's plumbing could not exec it). Waiting for readiness,
# it notes when service I is up.
awaiting() {
  trap - TERM
  eval "dir=\$servicedirs/\$n$3 stay=\${y$3:-0}"
  now_ms
  spawned= spawn_by=$((ms + spawn_wait)) stay_by=
  while :; do
    now_ms
    until=$2
    [ -n "$spawned" ] || { [ "$until" -gt 0 ] && [ "$until" -le $spawn_by ]; } || until=$spawn_by
    [ -z "$stay_by" ] || until=$stay_by
    limit=
    if [ "$until" -gt 0 ]; then
      rest=$((until - ms))
      if [ $rest -le 0 ]; then
        [ -z "$stay_by" ] || exit 0
        [ "$until" != "$2" ] || exit 99
        [ "$(s6-svstat -o pid "$dir" 2>/dev/null)" != -1 ] || exit 98
        spawned=yes
        continue
      fi
      frac=00$((rest % 1000))
      limit="-t $((rest / 1000)).${frac#"${frac%???}"}"
    fi
    c=
    read -r -n 1 $limit c <&7
    case $c in
      "$1")
        # Up without readiness: up once it has stayed up its stay-up time.
        [ "$1" = u ] && [ "$stay" -gt 0 ] || exit 0
        now_ms
        spawned=yes stay_by=$((ms + stay))
        ;;
      u) spawned=yes && note "$ev_up" "$3" ;;
      d)
        if [ -n "$stay_by" ]; then
          printf d 2>/dev/null 1<>"$dir/supervise/control"
          exit 97
        fi
        case $(s6-svstat -o exitcode "$dir" 2>/dev/null) in 126 | 127) exit 98 ;; esac
        ;;
      # Its supervisor died, or its finish said not to start it again (125): nothing more will come.
      x | O) exit 1 ;;
    esac
  done
}

# awaited: 0 once every reader has seen its letter, else the first failure's
# code; a member that did not stay up (97) is put in $died_early instead.
awaited() {
  code=0
  set -- $members
  for reader in $readers; do
    wait "$reader"
    status=$?
    if [ $status = 97 ]; then died_early="$died_early $1"
    elif [ $code = 0 ]; then code=$status; fi
    shift
  done
  return $code
}

# finish_all [REASON]: every member of a longruns worker is done.
finish_all() {
  for i in $members; do finish "$i" "$start" "$1"; done
}

# stop SIGNAL TARGET: a worker asked to stop ends what it runs, and says so.
stop() {
  [ -z "$child" ] || { kill "$1" -- $2 2>/dev/null; wait $child 2>/dev/null; }
  for i in $members; do finish "$i" "$start" "$reason_interrupted"; done
  exit
}

# finish I START [REASON]: puts service I's outcome on record and on the
# console, and tells the scheduler (no reason: it is up).
finish() {
  now_ms
  eval "name=\$n$1"
  took=$((ms - $2))
  if [ -z "$3" ]; then
    eval "[ -n \"\$r$1\" ]" && note "$ev_ready" "$1" || note "$ev_up" "$1"
    record "$1" up "$ms" "$took" && say_up "$name" "$took"
  else
    note "$ev_failed" "$1" "$3"
    record "$1" failed "$ms" "$took" "$3"
    say_failed "$name" "$3" "$took"
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
  note "$ev_skipped" "$1" "$blocker"
  why_dependency "$blocker"
  record "$1" failed "$ms" "" "$why"
  say_skipped "$name" "$why"
}

# settle I OUTCOME: service I is done (0 up, 1 failed, 2 skipped: o$i);
# what waits for it may start, or is blocked by it.
settle() {
  left=$((left - 1))
  eval "followers=\$f$1 o$1=$2"
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
  for i in $running; do
    eval "child=\$x$i start=\$a$i timer=\$z$i"
    [ -n "$child" ] || continue
    kill -KILL -- "-$child" 2>/dev/null
    stop_timer
    finish "$i" "$start" "$reason_interrupted"
  done
  wait
  : >"$lock"
  cut=$(set +f && cd "$states" && grep -l "\"reason\":\"$reason_interrupted\"" -- *.json 2>/dev/null | sed 's/\.json$//' | {
    IFS= read -r name && printf %s "$name" && while IFS= read -r name; do printf ', %s' "$name"; done
  })
  mark "$mark_bundle_not_up" "$name_asked"
  say_cut "bundle $name_asked" "$reason_sigterm" "${cut:-none}"
  exit 2
}

bringup() {
  read -r pid _ </proc/self/stat
  printf '%s\nup bundle %s\n' "$pid" "$name_asked" >"$lock"
  workers= running=
  trap interrupt TERM

  # p$i: how many of what service i needs are still to come up (all of it
  # is wanted: what is asked comes with all it needs).
  left=0 queue=
  for i in $wanted; do
    left=$((left + 1))
    eval "[ \$p$i -gt 0 ]" || queue="$queue $i"
  done
  # All of them asked up now: a line each in the boot record.
  now_us
  at=$(((us - offset_us) * 1000))
  for i in $wanted; do
    eval "subject \"\$n$i\""
    printf '%s %s %s %s\n' "$ev_asked" "$at" "$subject" "$asker"
  done >>"$bootrecord" 2>/dev/null

  count_wanted=$left
  while [ $left -gt 0 ]; do
    groups=
    for i in $queue; do
      eval "blocker=\$b$i kind=\$k$i"
      if [ -n "$blocker" ]; then
        skip "$i" "$blocker"
        queue_after="$queue_after $i"
      elif [ "$kind" = oneshot ]; then
        oneshot "$i"
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
    case $i in
      '') ;;
      e*) ended "${i#e}" "$outcome" ;;
      *) settle "$i" "$outcome" ;;
    esac
  done
  trap - TERM
  : >"$lock" # done cleanly: the next change has nothing to settle
  exec 3>&- 5>&- 6>&-

  # The summary: how many, and when on the kernel's clock (the mark's own
  # reading, $us; goetia analyze says where the time went); what did not
  # come up, in the order of their numbers.
  # The console's emergency shell only for a failure that asks for it (g$i: service.ts failureActionOf).
  failed= skipped= failures=0 skips=0 console=
  for i in $wanted; do
    eval "outcome=\$o$i name=\$n$i takes_console=\$g$i"
    case $outcome in
      1) failed="$failed, $name" failures=$((failures + 1)) console=$console$takes_console ;;
      2) skipped="$skipped, $name" skips=$((skips + 1)) console=$console$takes_console ;;
    esac
  done
  if [ -z "$failed$skipped" ]; then mark "$mark_bundle_up" "$name_asked"; else mark "$mark_bundle_not_up" "$name_asked"; fi
  up=$((count_wanted - failures - skips))
  services_word $up
  if [ -z "$failed$skipped" ]; then summary_head "$name_asked" "$state_up" $up "$word"; else summary_head "$name_asked" "$state_not_up" $up "$word"; fi
  summary_when "$(((us - offset_us) / 1000))"
  [ -z "$failed" ] || summary_failed $failures "${failed#, }"
  [ -z "$skipped" ] || summary_skipped $skips "${skipped#, }"
  save_record
  if [ -z "$failed$skipped" ]; then
    say "$summary"
    install_live
    return
  fi
  error "$summary"
  install_live
  [ -n "$console" ] || return 0
  shell_not_up "$name_asked"
  shell "$why"
}

bringup </dev/null &
exit $exit_prepared
