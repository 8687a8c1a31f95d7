//! Printed tickets: PDF and ESC/POS.
