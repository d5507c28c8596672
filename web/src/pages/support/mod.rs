//! The public catalog pages: categories ②, a category's products ③, a product ④–⑥.

mod categories;
mod category;
mod product;

pub use categories::Categories;
pub use category::CategoryPage;
pub use product::ProductPage;
