CREATE TABLE employees (
  id INTEGER NOT NULL AUTO_INCREMENT,
  department_id INTEGER,
  boss_id INTEGER,
  PRIMARY KEY (id),
  FOREIGN KEY (boss_id) REFERENCES employees (id)
);

CREATE TABLE departments (
  id INTEGER NOT NULL AUTO_INCREMENT,
  manager_id INTEGER,
  PRIMARY KEY (id),
  FOREIGN KEY (manager_id) REFERENCES employees (id) ON DELETE SET NULL
);

ALTER TABLE employees ADD CONSTRAINT fk_employees_department_id_departments FOREIGN KEY (department_id) REFERENCES departments (id);

ALTER TABLE employees DROP FOREIGN KEY fk_employees_department_id_departments;

DROP TABLE departments;

DROP TABLE employees;
