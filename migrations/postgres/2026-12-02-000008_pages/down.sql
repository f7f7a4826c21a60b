DROP TABLE refused_while_off;
