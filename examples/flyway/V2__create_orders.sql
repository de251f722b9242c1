CREATE TABLE orders (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id    bigint NOT NULL,
  total      integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
