"""The grader: runs each submission in a fresh, limited kernel and judges the exported answers in
this process, where nothing the trainee's code does can reach."""
