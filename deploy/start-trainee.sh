#!/bin/sh
# First start of a trainee's pod: copy the trainee bundle into the (persistent) home, once.
set -e
if [ ! -e "$HOME/.course-provisioned" ]; then
  cp -rn /opt/course-bundle/. "$HOME"/
  echo 1 > "$HOME/.course-provisioned"
fi
# jupyterhub-singleuser with the trainee options (Chinese Lab, no unused extensions): course/classroom/singleuser.py
exec python -m course.classroom.singleuser "$@"
