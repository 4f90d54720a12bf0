"""Sweeps: one preset trained and drawn once per combination of varied settings,
the cells spread over local processes or a Ray cluster, then a contact sheet and
a table of results.

    plan.py     the cells: the varied keys and values, each cell's checked preset
    cell.py     one cell, GL-free: build, train, measure, the network file's bytes
    picture.py  one cell's picture (a headless renderer per process) and the task
                that pool.py and on_ray.py run
    pool.py     cells on local processes (concurrent.futures, spawn)
    on_ray.py   cells as Ray tasks (the optional extra shaderplay[ray])
    sheet.py    the contact sheet; table.py the CSV; files.py the cell files
    run.py      `sweep()`: plan, run, write, as `shaderplay sweep` and the API do

Every cell's files are made from its preset alone (single-threaded numba, the
numba evaluator for the picture, network files without time stamps), so they
are the same bytes wherever the cell ran.
"""
