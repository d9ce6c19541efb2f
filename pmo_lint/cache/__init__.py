"""What ``check`` keeps between runs, and how it reads a portfolio fast.

* ``store``: the signed SQLite file every entry lives in;
* ``fingerprint``: what code and configuration an entry depends on;
* ``scan``: the tree's stat signatures and the stat map (an unchanged file is not even read);
* ``files`` and ``workers``: the per-file cache and the worker processes that parse the misses;
* ``whole_run``: the key of a plain run's inputs, and its stored Result;
* ``policy_memo``: declarative rules' results per entity;
* ``locations``: lines and columns of cross-file findings, by file content;
* ``installs``: which installs share the cache, so that one does not evict another's entries.

Nothing here decides a result: a miss or a bad entry only means the work is done again.
"""
