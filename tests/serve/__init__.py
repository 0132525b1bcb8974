"""The receiver's tests: a package, so its conftest is no bare ``conftest`` module that
another folder's ``from conftest import ...`` could pick up."""
