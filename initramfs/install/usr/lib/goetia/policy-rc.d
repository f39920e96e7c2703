#!/bin/sh
# policy-rc.d, invoke-rc.d's policy layer (Debian policy 9.3.3), as goetia
# installs it on Debian: a package's maintainer scripts start, stop and
# restart its daemon through invoke-rc.d, which asks here first. Under
# goetia, a daemon goetia supervises is started, stopped, restarted or
# reloaded here, by goetia and s6, and its init script is refused (101): it
# would kill the supervised daemon, or start a second one nobody
# supervises. A daemon a package has just installed, whose systemd unit it
# has enabled, goetia runs from its unit. Anything else is left to
# invoke-rc.d (104), an action in parentheses (the service is not enabled)
# refused, as sysvinit would.
#
#   policy-rc.d [--quiet] NAME ACTION [RUNLEVEL]
[ "$1" != --quiet ] || shift
name=$1 action=$2
service=/run/system/service/$name
leave() { case $action in "("*")") exit 101 ;; *) exit 104 ;; esac; }
[ "$(cat /proc/1/comm 2>/dev/null)" = s6-svscan ] && [ -d /run/system/goetia ] || leave
if [ ! -e "$service/supervise" ]; then
  # A daemon goetia does not know yet: a package just installed it, and
  # enabled its systemd unit before starting it. goetia update compiles the
  # unit in; then goetia runs it, as it will at every boot.
  case $action in start | restart | force-reload) ;; *) leave ;; esac
  ! goetia status "$name" >/dev/null 2>&1 || leave
  goetia update >/dev/null 2>&1
  goetia status "$name" 2>/dev/null | grep -q " longrun " || leave
fi
action=${action#(}
action=${action%)}
case $action in
  start) goetia start "$name" ;;
  stop) goetia stop "$name" ;;
  restart | force-reload) goetia restart -t 60000 "$name" ;;
  try-restart) [ "$(s6-svstat -o up "$service")" != true ] || goetia restart -t 60000 "$name" ;;
  reload) goetia reload "$name" ;;
  *) exit 104 ;;
esac
if [ $? = 0 ]; then
  echo "goetia: $action $name, by goetia for invoke-rc.d (its init script is not run)" >&2
else
  echo "goetia: $action $name, by goetia for invoke-rc.d, did not succeed: goetia why $name" >&2
fi
exit 101
