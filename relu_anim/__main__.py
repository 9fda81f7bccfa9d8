"""``python -m relu_anim`` runs the ``relu-anim`` command line."""

from .cli import main

if __name__ == "__main__":
    main()
