"""The grading stage: typed answers against the keys a build wrote (``sheets grade``, docs/grading.md).

Beside ``generator.pipeline``, which makes sheets and their keys, and reading only what a
build wrote (answers.json) and the sheet's points:

* ``grammar``: typed maths -> SymPy, by a grammar, never by evaluating the text; its limits;
* ``equivalence``: whether an answer means its key, in the form asked; what a wrong one got wrong;
* ``key``: each student's answers to give, as answer columns, from answers.json;
* ``submissions``: the class's submissions CSV, checked against the build, and its template;
* ``limits``: the time an answer may take;
* ``grade``: every student's answers graded (in worker processes for a class);
* ``report``: grades.csv, feedback/<id>.txt, items.csv and the printed item analysis;
* ``run``: the two commands, stage by stage, everything written at once.
"""
