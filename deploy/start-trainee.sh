#!/bin/sh
# First start of a trainee's pod: copy the trainee bundle into the (persistent) home, once, then
# replace its exercises (variant 0, baked into the image) with this trainee's own variant from the
# classroom service (course/classroom/fetch.py: identity from the server's hub token; if the service
# cannot be reached the baked exercises stay and the server starts all the same).
set -e
BUNDLE="${COURSE_BUNDLE:-/opt/course-bundle}"
PYTHON="${COURSE_PYTHON:-python}"
if [ ! -e "$HOME/.course-provisioned" ]; then
  cp -rn "$BUNDLE"/. "$HOME"/
  "$PYTHON" -m course.classroom.fetch "$HOME" || true
  echo 1 > "$HOME/.course-provisioned"
fi
# jupyterhub-singleuser with the trainee options (Chinese Lab, no unused extensions): course/classroom/singleuser.py
exec "$PYTHON" -m course.classroom.singleuser "$@"
