-- The application that is running right now still reads and writes "name".
ALTER TABLE users RENAME COLUMN name TO full_name;
