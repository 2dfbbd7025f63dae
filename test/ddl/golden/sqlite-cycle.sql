CREATE TABLE employees (
  id INTEGER NOT NULL PRIMARY KEY,
  department_id INTEGER,
  boss_id INTEGER,
  FOREIGN KEY (department_id) REFERENCES departments (id),
  FOREIGN KEY (boss_id) REFERENCES employees (id)
);

CREATE TABLE departments (
  id INTEGER NOT NULL PRIMARY KEY,
  manager_id INTEGER,
  FOREIGN KEY (manager_id) REFERENCES employees (id) ON DELETE SET NULL
);

DROP TABLE departments;

DROP TABLE employees;
